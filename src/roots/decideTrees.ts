/**
 * The permanent roots of one scan of the roots trees, decided. Pure: every entry is classified
 * (classify.ts) against the context's validity, each link leaving the store through the looks
 * taken at its outside target; a directory decided by an earlier scan (its kept decisions,
 * src/roots/index/decisions.ts) is taken from its decisions, but its links leaving the store
 * are classified and looked at like any other. Entries are taken in scan order and a decided
 * directory at its place, its links in listing order, so findings come in the order a scan
 * without kept decisions gives them.
 */
import { display } from '../store/bytes.js';
import { classifyEntry, classifySecondHop, fileDecision, fileRootId, fileRootIdAt, fileRootIdFound, isAutoLink, NOT_A_STORE_NAME } from './classify.js';
import { packLatin1 } from '../store/byteOrder.js';
import type { ClassifyContext, Decision } from './classify.js';
import type { PackedStrings } from '../store/byteOrder.js';
import { isMissingEverywhere } from './followOutside.js';
import { codeOf, INVALID, NOT_ROOT, OUTSIDE } from './index/decisions.js';
import { baseName, isValidBaseNameAt } from '../store/storePath.js';
import { ListedRoot } from './listedRoot.js';
import type { ListedDir } from './listedRoot.js';
import type { DirDecisions } from './index/decisions.js';
import type { RootTrees } from './readRootTrees.js';
import type { DecidedDir, FileSpan } from './scanTree.js';
import type { Finding, Root, TreeEntry } from './types.js';

export interface TreeRoots {
  readonly roots: Root[];
  /** The graph id of each root (aligned with `roots`), -1 where the context gave none. */
  readonly rootIds: number[];
  /** Roots as graph ids alone: those of decided directories, and without asRoots every root found with its id. */
  readonly keptRootIds: number[];
  readonly findings: Finding[];
  /** Decisions made now for each listing the scan hands back for caching (when it was asked to keep them). */
  readonly decisions?: Map<string, DirDecisions>;
}

/**
 * @param asRoots make a root (link, path, kind) of each decided entry kept as a root, with its
 *   id, as classifying it would (roots --sizes, which shows every link); otherwise such entries,
 *   and every root found with its id when the context gives ids, are only ids (keptRootIds:
 *   liveness needs nothing else). Needs the decided files' names.
 */
export function decideTrees(trees: RootTrees, ctx: ClassifyContext, stateDir: string, asRoots = false): TreeRoots {
  const roots: Root[] = [];
  const rootIds: number[] = [];
  const keptRootIds: number[] = [];
  const findings: Finding[] = [...trees.findings];

  // Where liveness alone takes the roots (not asRoots, with ids), a root found with its id is
  // that id alone: no Root kept per link (140k at 1.3M paths).
  const idsAlone = !asRoots && ctx.ids !== undefined;
  const take = (decision: Decision): void => {
    if (decision.kind === 'root') {
      if (idsAlone && decision.id !== undefined && decision.id >= 0) {
        keptRootIds.push(decision.id);
        return;
      }
      roots.push(decision.root);
      rootIds.push(decision.id ?? -1);
    } else if (decision.kind === 'invalid') {
      findings.push({ code: 'invalid-root', path: decision.link, message: `skipping invalid root from '${display(decision.link)}' to '${display(decision.target)}'` });
    }
  };

  const takeEntry = (entry: TreeEntry): Decision => {
    const decision = classifyEntry(entry, ctx);
    if (decision.kind !== 'outside') {
      take(decision);
      return decision;
    }
    const { link, target } = decision;
    // readRootTrees looked at the target of every link that leaves the store.
    // Each place that leads into the store gives a root (both, if both do: fails closed).
    const looks = trees.looks.get(link)!;
    for (const look of looks) {
      if (look.kind === 'link') take(classifySecondHop(target, look.target, ctx));
      else if (look.kind === 'error') findings.push(look.finding);
    }
    if (isMissingEverywhere(looks) && isAutoLink(stateDir, link)) {
      findings.push({ code: 'stale-link', path: link, target, message: `stale link from '${display(link)}' to '${display(target)}'` });
    }
    return decision;
  };

  const { entries } = trees;
  // Made for every listing read now, and again for directories whose decisions were translated.
  const made = trees.spans.length === 0 && !trees.decided.some((d) => d.translated !== undefined) ? undefined : new Map<string, DirDecisions>();

  /**
   * Takes a decided directory whose links leaving the store are entries from `i` on; returns the
   * index after them. Translated decisions (decisions.ts) are kept again; with `recheck`, their
   * INVALID entries are classified by name, as a scan without kept decisions would.
   */
  const takeDecided = ({ dir, links, decisions, translated, files: names }: DecidedDir, i: number): number => {
    const { files } = decisions;
    const recheck = translated?.recheck === true;
    if (asRoots && names === undefined && files.length > 0) throw new Error(`decided directory '${dir}' came without the names of its files`);
    // Each root kept is made as classifyEntry makes it, its link and path when read (listedRoot.ts).
    const listed: ListedDir | undefined = asRoots ? { dir, storeDir: ctx.storeDir, links, ...(names === undefined ? {} : { files: names }) } : undefined;
    for (let k = 0; k < files.length; k++) {
      const code = files[k]!;
      // As classifyEntry makes a regular file's root: named after its store path.
      if (code >= 0 && listed !== undefined) {
        roots.push(new ListedRoot(listed, k, 'file'));
        rootIds.push(code);
      }
      else if (code >= 0) keptRootIds.push(code);
      else if (code === INVALID && recheck) {
        const decision = classifyEntry({ type: 'file', path: `${dir}/${names![k]!}`, name: names![k]! }, ctx);
        take(decision);
        files[k] = codeOf(decision);
      }
    }
    for (let j = 0; j < links.length; j++) {
      const code = decisions.links[j]!;
      // As classifyEntry makes a root of a link into the store (decided: its path was valid).
      if (code >= 0 && listed !== undefined) {
        roots.push(new ListedRoot(listed, j, 'symlink'));
        rootIds.push(code);
      }
      else if (code >= 0) keptRootIds.push(code);
      else if (code === INVALID && recheck) {
        const decision = classifyEntry({ type: 'symlink', path: `${dir}/${links[j]!.name}`, target: links[j]!.target }, ctx);
        take(decision);
        decisions.links[j] = codeOf(decision);
      } else if (code === INVALID) take({ kind: 'invalid', link: `${dir}/${links[j]!.name}`, target: links[j]!.target });
      else if (code === OUTSIDE) {
        const entry = entries[i++];
        if (entry?.path !== `${dir}/${links[j]!.name}`) throw new Error(`decided directory '${dir}' out of step with the scan's entries`);
        takeEntry(entry);
      }
    }
    if (translated !== undefined) made?.set(dir, decisions);
    return i;
  };

  /** A directory's regular files, packed, as an entry each (where liveness takes more than ids). */
  const takeFiles = ({ dir, names }: FileSpan): void => {
    const text = Buffer.from(names.bytes.buffer, names.bytes.byteOffset, names.bytes.byteLength);
    for (let k = 0; k + 1 < names.offsets.length; k++) {
      const name = text.toString('latin1', names.offsets[k], names.offsets[k + 1]);
      takeEntry({ type: 'file', path: `${dir}/${name}`, name });
    }
  };

  const record = spanRecorder(trees, made);
  // Where liveness alone takes the roots (not asRoots, with ids), a regular file's root is its
  // graph id alone, as a decided directory's: no Root and no path string for most roots.
  const ids = asRoots ? undefined : ctx.ids;
  const { decided } = trees;
  // Where liveness takes ids alone, every directory's regular files at once, as graph ids; else
  // each file as an entry, at its place.
  if (ids !== undefined) takeFileRootIds(trees.fileSpans, ids, keptRootIds);
  const fileSpans = ids !== undefined ? [] : trees.fileSpans;
  // Where each root is made (asRoots) and ids are looked up: the regular files' names at once.
  const fileIds = asRoots && ctx.ids !== undefined ? fileIdsOf(entries, ctx.ids) : undefined;
  let d = 0;
  let f = 0;
  for (let i = 0; ; i++) {
    while (f < fileSpans.length && fileSpans[f]!.at === i) takeFiles(fileSpans[f++]!);
    while (d < decided.length && decided[d]!.at === i) i = takeDecided(decided[d++]!, i);
    if (i >= entries.length) break;
    const entry = entries[i]!;
    if (ids !== undefined && entry.type === 'file') {
      const id = fileRootId(entry.name ?? baseName(entry.path), ids);
      if (id >= 0) keptRootIds.push(id);
      if (made !== undefined) record(i, id >= 0 ? id : id === NOT_A_STORE_NAME ? NOT_ROOT : INVALID);
      continue;
    }
    if (fileIds !== undefined && entry.type === 'file') {
      const base = entry.name ?? baseName(entry.path);
      const decision = fileDecision(entry.path, base, fileRootIdFound(base, fileIds[i]!), ctx.storeDir);
      take(decision);
      if (made !== undefined) record(i, codeOf(decision));
      continue;
    }
    const decision = takeEntry(entry);
    if (made !== undefined) record(i, codeOf(decision));
  }
  return { roots, rootIds, keptRootIds, findings, ...(made === undefined ? {} : { decisions: made }) };
}

/** Below this many regular files each is looked up by itself. */
const FILES_AT_ONCE = 1024;

/**
 * The graph id of the name of each regular file among `entries` (-1 where none, and for other
 * entries), looked up together (ids.idsOfNames: sorted and walked beside the path table; 560k
 * Hydra roots one by one took 0.9 s of `gc`), or undefined for few files or no such lookup.
 */
function fileIdsOf(entries: readonly TreeEntry[], ids: NonNullable<ClassifyContext['ids']>): Int32Array | undefined {
  if (ids.idsOfNames === undefined) return undefined;
  const at: number[] = [];
  const names: string[] = [];
  entries.forEach((entry, i) => {
    if (entry.type !== 'file') return;
    at.push(i);
    names.push(entry.name ?? baseName(entry.path));
  });
  if (names.length < FILES_AT_ONCE) return undefined;
  const found = ids.idsOfNames(packLatin1(names));
  const byEntry = new Int32Array(entries.length).fill(-1);
  for (let k = 0; k < at.length; k++) byEntry[at[k]!] = found[k]!;
  return byEntry;
}

/**
 * Adds to `found` the graph ids of the regular files of `spans` that are roots (named after a
 * valid path): looked up together (ids.idsOfNames sorts them and walks them beside the path
 * table), else one by one.
 */
function takeFileRootIds(spans: readonly FileSpan[], ids: NonNullable<ClassifyContext['ids']>, found: number[]): void {
  if (spans.length === 0) return;
  // One directory's names as they are; several directories' in one buffer.
  const names = spans.length === 1 ? spans[0]!.names : joinPacked(spans.map((s) => s.names));
  const { bytes, offsets } = names;
  const count = offsets.length - 1;
  const idOf = ids.idsOfNames?.(names);
  for (let n = 0; n < count; n++) {
    // fileRootId: a root if the name parses as a store name and is a valid path's.
    const id = idOf === undefined ? fileRootIdAt(bytes, offsets[n]!, offsets[n + 1]!, ids) : idOf[n]! >= 0 && isValidBaseNameAt(bytes, offsets[n]!, offsets[n + 1]!) ? idOf[n]! : -1;
    if (id >= 0) found.push(id);
  }
}

/** Packed strings one list after the other. */
function joinPacked(lists: readonly PackedStrings[]): PackedStrings {
  const bytes = Buffer.concat(lists.map((l) => l.bytes.subarray(l.offsets[0], l.offsets[l.offsets.length - 1])));
  const offsets = new Uint32Array(lists.reduce((n, l) => n + l.offsets.length - 1, 0) + 1);
  let k = 0;
  let base = 0;
  for (const l of lists) {
    for (let i = 1; i < l.offsets.length; i++) offsets[++k] = base + l.offsets[i]! - l.offsets[0]!;
    base += l.offsets[l.offsets.length - 1]! - l.offsets[0]!;
  }
  return { bytes, offsets };
}

/** Decisions for every span, and a function that writes the code of entry `i` into its span's (entries come in order). */
function spanRecorder(trees: RootTrees, made: Map<string, DirDecisions> | undefined): (i: number, code: number) => void {
  const { spans } = trees;
  const arrays = spans.map((span) => {
    const d: DirDecisions = { files: new Int32Array(span.files), links: new Int32Array(span.links) };
    made?.set(span.dir, d);
    return d;
  });
  let s = 0;
  return (i, code) => {
    while (s < spans.length && i >= spans[s]!.at + spans[s]!.files + spans[s]!.links) s++;
    const span = spans[s];
    if (span === undefined || i < span.at) return;
    const k = i - span.at;
    if (k < span.files) arrays[s]!.files[k] = code;
    else arrays[s]!.links[k - span.files] = code;
  };
}
