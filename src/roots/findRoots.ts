/**
 * Root discovery, as Nix 2.8 does it (reference §3-5): permanent roots under gcroots/ and
 * profiles/ (plus --extra-roots trees), runtime roots from /proc, temp roots from temproots/.
 * Reads only; what Nix would delete on the way (stale auto links, stale temproots files) is
 * reported as findings instead.
 */
import pLimit from 'p-limit';
import type { Settings } from '../config/settings.js';
import { hashPartOf, isInStore, toStorePath } from '../store/storePath.js';
import type { ClassifyContext } from './classify.js';
import { decideTrees } from './decideTrees.js';
import { readRuntimeRefs } from './runtimeRoots.js';
import { readRootTrees } from './readRootTrees.js';
import type { TreeIo, TreeScan } from './readRootTrees.js';
import type { ListingCache } from './scanTree.js';
import { readTempRoots } from './tempRoots.js';
import { orderPairs, packLatin1, stringOrder } from '../store/byteOrder.js';
import { ListedRoot } from './listedRoot.js';
import type { Root, RootSet } from './types.js';

export interface FindRootsOptions {
  /**
   * 'collect' (the collector, holding gc.lock) removes stale temproots files under their lock as
   * Nix does; 'read' (the default) only reports them.
   */
  readonly mode?: 'read' | 'collect';
  /**
   * Cached directory listings (the roots index): validity is still decided here, against the
   * current database, for every entry, except where the cache kept an earlier scan's decisions
   * for the same graph (only with ids, in order 'any').
   */
  readonly cache?: ListingCache | undefined;
  /**
   * 'sorted' (the default): by link then path, each pair once (what `roots` prints); 'unique':
   * each pair once, as found (for callers that order rows themselves); 'any': as found, possibly
   * repeated (enough for liveness).
   */
  readonly order?: RootOrder;
  /** Look roots up by graph id (see ClassifyContext). */
  readonly ids?: ClassifyContext['ids'] | undefined;
  /** Tests only: the scanner's file system and clock. */
  readonly io?: TreeIo;
  /** A read of the store directory under way: the temp roots are read once it is done (reportPaths). */
  readonly storeListed?: Promise<unknown> | undefined;
}

export async function findRoots(settings: Settings, isValid: (path: string) => boolean, options: FindRootsOptions = {}): Promise<RootSet & { readonly scan: TreeScan }> {
  const { mode = 'read', cache, order = 'sorted', ids } = options;
  const ctx: ClassifyContext = { storeDir: settings.storeDir, isValid, ...(ids === undefined ? {} : { ids }) };
  // Kept decisions, and regular files read now, give roots as ids alone for liveness, which needs
  // nothing else ('any'); in 'unique' order (roots --sizes) each becomes a root again, from the
  // listing's names, and in 'sorted' order (roots, why) every root is one with its link.
  const decided = ids === undefined || cache?.decisions === undefined ? undefined : cache.decisions;
  const scope = order === 'any' ? decided : order === 'unique' && decided !== undefined ? { ...decided, names: true } : undefined;
  // Where liveness alone takes the roots, regular files come packed, looked up by their bytes.
  const trees = await readRootTrees(settings, pLimit(settings.jobs), cache, options.io, true, scope, order === 'any' && ids !== undefined);
  // With `ids` and in any order: each root's graph id, -1 where not known (temp roots).
  const { roots, rootIds, keptRootIds, findings, decisions } = decideTrees(trees, ctx, settings.stateDir, order !== 'any');
  const scan: TreeScan = decisions === undefined ? trees.scan : { ...trees.scan, decisions };

  if (settings.runtimeRoots) {
    const runtime = await readRuntimeRefs(settings.procDir, settings.storeDir, settings.ownFds);
    findings.push(...runtime.findings);
    for (const { target, label } of runtime.refs) {
      if (!isInStore(settings.storeDir, target)) continue;
      const path = toStorePath(settings.storeDir, target);
      if (path === null) continue;
      const id = ids === undefined ? (isValid(path) ? -1 : undefined) : ids.idOf(path);
      if (id === undefined || (ids !== undefined && id === -1)) continue;
      roots.push({ link: label, path, kind: 'runtime' });
      rootIds.push(id);
    }
  }

  // Its failure is told where the listing is taken.
  await options.storeListed?.catch(() => undefined);
  const temp = await readTempRoots(settings.stateDir, settings.storeDir, mode === 'collect');
  findings.push(...temp.findings);
  roots.push(...temp.roots);
  const tempHashParts = new Set(temp.roots.map((r) => hashPartOf(settings.storeDir, r.path)));
  // Sorting a million roots costs seconds; liveness only flags them, so it takes them as they are.
  if (order === 'sorted') return { roots: dedupeRoots(roots), tempHashParts, findings, scan };
  for (let i = rootIds.length; i < roots.length; i++) rootIds.push(-1);
  if (order === 'unique') {
    const unique = uniqueRootIndices(roots, ids === undefined ? undefined : rootIds);
    const uniqueIds = ids === undefined ? undefined : unique.map((i) => rootIds[i]!);
    return { roots: unique.map((i) => roots[i]!), ...(uniqueIds === undefined ? {} : { rootIds: uniqueIds }), tempHashParts, findings, scan };
  }
  const kept = keptRootIds.length === 0 ? {} : { keptRootIds: Int32Array.from(keptRootIds) };
  return { roots, ...(ids === undefined ? {} : { rootIds }), ...kept, tempHashParts, findings, scan };
}

export type RootOrder = 'sorted' | 'unique' | 'any';

/** Each (link, path) pair once, in the order given: a map by link, no sort. */
export function uniqueRoots(roots: readonly Root[]): Root[] {
  return uniqueRootIndices(roots).map((i) => roots[i]!);
}

/**
 * The indices of uniqueRoots: its first of each (link, path) pair (the graph ids go with them).
 * @param rootIds each root's graph id (-1: none), when known: equal paths have equal ids, so
 *   only roots of one id are compared, with no map of 700k links (hashing each link cost most
 *   of half a second at 700k roots), and no sort either: the roots of each id are chained, each
 *   to the one found before it (sorting them by id cost 0.2 s). Temp roots (which findRoots
 *   gives no id) are compared among themselves: their links (`{temp:<pid>}`) are no other
 *   root's. Any other root without an id: every root goes through one map by link.
 */
export function uniqueRootIndices(roots: readonly Root[], rootIds?: readonly number[]): number[] {
  const n = roots.length;
  if (rootIds === undefined || roots.some((r, i) => rootIds[i]! < 0 && r.kind !== 'temp')) return uniqueByLink(roots, Array.from(roots.keys()));
  let top = -1;
  for (let i = 0; i < n; i++) top = Math.max(top, rootIds[i]!);
  // The last root found of each id, the one before each root with its id, how many so far.
  const last = new Int32Array(top + 1).fill(-1);
  const before = new Int32Array(n);
  const count = new Int32Array(top + 1);
  // Many links to one path (a path rooted a thousand times): its links in a set.
  const many = new Map<number, Set<string>>();
  const kept: number[] = [];
  const withoutId: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = rootIds[i]!;
    if (id < 0) {
      withoutId.push(i);
      continue;
    }
    before[i] = last[id]!;
    last[id] = i;
    // The first root of its id is a pair of its own: its link is not read (listedRoot.ts).
    if (++count[id]! === 1) {
      kept.push(i);
      continue;
    }
    const seen = count[id]! > SET_FROM ? linksOf(many, id, roots, before, i) : undefined;
    let again = false;
    if (seen !== undefined) {
      const link = roots[i]!.link;
      again = seen.has(link);
      seen.add(link);
    } else {
      for (let j = before[i]!; j !== -1 && !again; j = before[j]!) again = sameLink(roots[j]!, roots[i]!);
    }
    if (!again) kept.push(i);
  }
  if (withoutId.length === 0) return kept;
  // Both in the order found.
  return mergeAscending(kept, uniqueByLink(roots, withoutId));
}

/**
 * Whether two roots have one link: two listed roots by their directories and names (a name holds
 * no slash, so equal links are equal directories and names), with no link made (listedRoot.ts).
 */
function sameLink(a: Root, b: Root): boolean {
  if (a instanceof ListedRoot && b instanceof ListedRoot) return a.name === b.name && a.dir === b.dir;
  return a.link === b.link;
}

/** Two ascending lists of distinct indices as one. */
function mergeAscending(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i]! < b[j]!) ? a[i++]! : b[j++]!);
  return out;
}

/** Roots of one id compared one by one up to this many; beyond, through a set. */
const SET_FROM = 4;

/** The set of the links of the roots of `id` before root i (made from their chain when first asked for). */
function linksOf(many: Map<number, Set<string>>, id: number, roots: readonly Root[], before: Int32Array, i: number): Set<string> {
  let seen = many.get(id);
  if (seen === undefined) {
    seen = new Set();
    for (let j = before[i]!; j !== -1; j = before[j]!) seen.add(roots[j]!.link);
    many.set(id, seen);
  }
  return seen;
}

/** Of the roots at `among` (ascending), the first of each (link, path) pair. */
function uniqueByLink(roots: readonly Root[], among: readonly number[]): number[] {
  const seen = new Map<string, string | Set<string>>();
  const kept: number[] = [];
  for (const i of among) {
    const r = roots[i]!;
    const paths = seen.get(r.link);
    if (paths === undefined) {
      seen.set(r.link, r.path);
    } else if (typeof paths === 'string') {
      if (paths === r.path) continue;
      seen.set(r.link, new Set([paths, r.path]));
    } else {
      if (paths.has(r.path)) continue;
      paths.add(r.path);
    }
    kept.push(i);
  }
  return kept;
}

/**
 * Sorted by link bytes, then store path bytes; each (link, path) pair once (reference §6.1).
 * Many roots are ranked by their links' bytes (store/byteOrder.ts rankPairs: packed, sorted by
 * the native helper where it loads): 700k roots compared as strings took 1.4 s of `roots`.
 */
export function dedupeRoots(roots: readonly Root[]): Root[] {
  if (roots.length >= RANK_FROM) return inRankOrder(roots);
  const sorted = [...roots].sort(byLinkThenPath);
  return sorted.filter((r, i) => i === 0 || r.link !== sorted[i - 1]!.link || r.path !== sorted[i - 1]!.path);
}

/** Fewer roots than this are sorted as strings. */
const RANK_FROM = 4096;

const byLinkThenPath = (a: Root, b: Root): number => (a.link < b.link ? -1 : a.link > b.link ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * dedupeRoots through the links' byte order: equal neighbours are known from it (stringOrder's
 * `same`), so only roots of one link compare their paths (comparing 700k neighbouring links as
 * strings, each made by concatenation, cost 0.4 s).
 */
function inRankOrder(roots: readonly Root[]): Root[] {
  const ordered = stringOrder(packLatin1(roots.map((r) => r.link)));
  const order = orderPairs(ordered, (i) => roots[i]!.path);
  const { same } = ordered;
  const kept: Root[] = [];
  for (let k = 0; k < order.length; k++) {
    const root = roots[order[k]!]!;
    if (k > 0 && same[k] === 1 && root.path === roots[order[k - 1]!]!.path) continue;
    kept.push(root);
  }
  return kept;
}
