/**
 * Root discovery, as Nix 2.8 does it (reference §3-5): permanent roots under gcroots/ and
 * profiles/ (plus --extra-roots trees), runtime roots from /proc, temp roots from temproots/.
 * Reads only; what Nix would delete on the way (stale auto links, stale temproots files) is
 * reported as findings instead.
 */
import pLimit from 'p-limit';
import type { Settings } from '../config/settings.js';
import { display } from '../store/bytes.js';
import { hashPartOf, isInStore, toStorePath } from '../store/storePath.js';
import { classifyEntry, classifySecondHop, isAutoLink } from './classify.js';
import type { ClassifyContext, Decision } from './classify.js';
import { isMissingEverywhere } from './followOutside.js';
import { readRuntimeRefs } from './runtimeRoots.js';
import { readRootTrees } from './readRootTrees.js';
import type { TreeScan } from './readRootTrees.js';
import type { ListingCache } from './scanTree.js';
import { readTempRoots } from './tempRoots.js';
import type { Finding, Root, RootSet } from './types.js';

/**
 * @param mode 'collect' (the collector, holding gc.lock) removes stale temproots files under
 *   their lock as Nix does; 'read' only reports them.
 * @param cache cached directory listings (the roots index): validity is still decided here,
 *   against the current database, for every entry.
 * @param order 'sorted': by link then path, each pair once (what `roots` prints); 'unique': each
 *   pair once, as found (for callers that order rows themselves); 'any': as found, possibly
 *   repeated (enough for liveness).
 */
export async function findRoots(settings: Settings, isValid: (path: string) => boolean, mode: 'read' | 'collect' = 'read', cache?: ListingCache, order: RootOrder = 'sorted', ids?: ClassifyContext['ids']): Promise<RootSet & { readonly scan: TreeScan }> {
  const ctx: ClassifyContext = { storeDir: settings.storeDir, isValid, ...(ids === undefined ? {} : { ids }) };
  const roots: Root[] = [];
  // With `ids` and in any order: each root's graph id, -1 where not known (temp roots).
  const rootIds: number[] = [];
  const findings: Finding[] = [];

  const take = (decision: Decision): void => {
    if (decision.kind === 'root') {
      roots.push(decision.root);
      rootIds.push(decision.id ?? -1);
    }
    else if (decision.kind === 'invalid') {
      findings.push({ code: 'invalid-root', path: decision.link, message: `skipping invalid root from '${display(decision.link)}' to '${display(decision.target)}'` });
    }
  };

  const trees = await readRootTrees(settings, pLimit(settings.jobs), cache);
  findings.push(...trees.findings);
  for (const entry of trees.entries) {
    const decision = classifyEntry(entry, ctx);
    if (decision.kind !== 'outside') {
      take(decision);
      continue;
    }
    const { link, target } = decision;
    // readRootTrees looked at the target of every link that leaves the store.
    // Each place that leads into the store gives a root (both, if both do: fails closed).
    const looks = trees.looks.get(link)!;
    for (const look of looks) {
      if (look.kind === 'link') take(classifySecondHop(target, look.target, ctx));
      else if (look.kind === 'error') findings.push(look.finding);
    }
    if (isMissingEverywhere(looks) && isAutoLink(settings.stateDir, link)) {
      findings.push({ code: 'stale-link', path: link, target, message: `stale link from '${display(link)}' to '${display(target)}'` });
    }
  }

  if (settings.runtimeRoots) {
    const runtime = await readRuntimeRefs(settings.procDir, settings.storeDir);
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

  const temp = await readTempRoots(settings.stateDir, settings.storeDir, mode === 'collect');
  findings.push(...temp.findings);
  roots.push(...temp.roots);
  const tempHashParts = new Set(temp.roots.map((r) => hashPartOf(settings.storeDir, r.path)));
  // Sorting a million roots costs seconds; liveness only flags them, so it takes them as they are.
  if (order === 'sorted') return { roots: dedupeRoots(roots), tempHashParts, findings, scan: trees.scan };
  for (let i = rootIds.length; i < roots.length; i++) rootIds.push(-1);
  if (order === 'unique') {
    const kept = uniqueRootIndices(roots);
    const ids2 = ids === undefined ? undefined : kept.map((i) => rootIds[i]!);
    return { roots: kept.map((i) => roots[i]!), ...(ids2 === undefined ? {} : { rootIds: ids2 }), tempHashParts, findings, scan: trees.scan };
  }
  return { roots, ...(ids === undefined ? {} : { rootIds }), tempHashParts, findings, scan: trees.scan };
}

export type RootOrder = 'sorted' | 'unique' | 'any';

/** Each (link, path) pair once, in the order given: a map by link, no sort. */
export function uniqueRoots(roots: readonly Root[]): Root[] {
  return uniqueRootIndices(roots).map((i) => roots[i]!);
}

/** The indices of uniqueRoots: its first of each (link, path) pair (the graph ids go with them). */
function uniqueRootIndices(roots: readonly Root[]): number[] {
  const seen = new Map<string, string | Set<string>>();
  const kept: number[] = [];
  roots.forEach((r, i) => {
    const paths = seen.get(r.link);
    if (paths === undefined) {
      seen.set(r.link, r.path);
    } else if (typeof paths === 'string') {
      if (paths === r.path) return;
      seen.set(r.link, new Set([paths, r.path]));
    } else {
      if (paths.has(r.path)) return;
      paths.add(r.path);
    }
    kept.push(i);
  });
  return kept;
}

/** Sorted by link bytes, then store path bytes; each (link, path) pair once (reference §6.1). */
export function dedupeRoots(roots: readonly Root[]): Root[] {
  const sorted = [...roots].sort((a, b) => (a.link < b.link ? -1 : a.link > b.link ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sorted.filter((r, i) => i === 0 || r.link !== sorted[i - 1]!.link || r.path !== sorted[i - 1]!.path);
}
