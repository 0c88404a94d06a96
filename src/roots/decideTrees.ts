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
import { toStorePath } from '../store/storePath.js';
import { classifyEntry, classifySecondHop, fileRootId, fileRootIdAt, isAutoLink, NOT_A_STORE_NAME } from './classify.js';
import type { ClassifyContext, Decision } from './classify.js';
import { isMissingEverywhere } from './followOutside.js';
import { codeOf, INVALID, NOT_ROOT, OUTSIDE } from './index/decisions.js';
import { baseName } from '../store/storePath.js';
import type { DirDecisions } from './index/decisions.js';
import type { RootTrees } from './readRootTrees.js';
import type { DecidedDir, FileSpan } from './scanTree.js';
import type { Finding, Root, TreeEntry } from './types.js';

export interface TreeRoots {
  readonly roots: Root[];
  /** The graph id of each root (aligned with `roots`), -1 where the context gave none. */
  readonly rootIds: number[];
  /** Roots as graph ids alone: those of decided directories, and without asRoots regular files' (with ids). */
  readonly keptRootIds: number[];
  readonly findings: Finding[];
  /** Decisions made now for each listing the scan hands back for caching (when it was asked to keep them). */
  readonly decisions?: Map<string, DirDecisions>;
}

/**
 * @param asRoots make a root (link, path, kind) of each decided entry kept as a root, with its
 *   id, as classifying it would (roots --sizes, which shows every link); otherwise such entries,
 *   and regular files found roots when the context gives ids, are only ids (keptRootIds:
 *   liveness needs nothing else). Needs the decided files' names.
 */
export function decideTrees(trees: RootTrees, ctx: ClassifyContext, stateDir: string, asRoots = false): TreeRoots {
  const roots: Root[] = [];
  const rootIds: number[] = [];
  const keptRootIds: number[] = [];
  const findings: Finding[] = [...trees.findings];

  const take = (decision: Decision): void => {
    if (decision.kind === 'root') {
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
    for (let k = 0; k < files.length; k++) {
      const code = files[k]!;
      // As classifyEntry makes a regular file's root: named after its store path.
      if (code >= 0 && asRoots) take({ kind: 'root', root: { link: `${dir}/${names![k]!}`, path: `${ctx.storeDir}/${names![k]!}`, kind: 'file' }, id: code });
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
      if (code >= 0 && asRoots) take({ kind: 'root', root: { link: `${dir}/${links[j]!.name}`, path: toStorePath(ctx.storeDir, links[j]!.target)!, kind: 'symlink' }, id: code });
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

  /** A directory's regular files, packed: each name's id alone where that is all liveness needs, else an entry each. */
  const takeFiles = ({ dir, names }: FileSpan): void => {
    const { bytes } = names;
    for (let from = 0, k = 0; k < names.count; k++) {
      let to = bytes.indexOf(0, from);
      if (to === -1) to = bytes.length;
      if (ids !== undefined) {
        const id = fileRootIdAt(bytes, from, to, ids);
        if (id >= 0) keptRootIds.push(id);
      } else {
        const name = bytes.toString('latin1', from, to);
        takeEntry({ type: 'file', path: `${dir}/${name}`, name });
      }
      from = to + 1;
    }
  };

  const record = spanRecorder(trees, made);
  // Where liveness alone takes the roots (not asRoots, with ids), a regular file's root is its
  // graph id alone, as a decided directory's: no Root and no path string for most roots.
  const ids = asRoots ? undefined : ctx.ids;
  const { decided, fileSpans } = trees;
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
    const decision = takeEntry(entry);
    if (made !== undefined) record(i, codeOf(decision));
  }
  return { roots, rootIds, keptRootIds, findings, ...(made === undefined ? {} : { decisions: made }) };
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
