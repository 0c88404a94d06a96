/**
 * The composer of the read-only commands `roots`, `live` and `dead` (src/compose/ holds the
 * composition of every command; nothing else knows a whole sequence): snapshot (database,
 * roots, store listing) -> liveness -> report. Every stage here only reads, except that the
 * roots index (a cache of directory listings, src/roots/index/) is brought up to date.
 */
import type { Settings } from '../config/settings.js';
import { classifyPaths } from '../liveness/classify.js';
import type { PathsReport, RootsReport } from '../report/types.js';
import { findRoots } from '../roots/findRoots.js';
import { decisionScope } from '../roots/index/decisions.js';
import type { DecisionScope } from '../roots/index/decisions.js';
import { withIndex } from '../roots/index/withIndex.js';
import type { IndexedScan } from '../roots/index/withIndex.js';
import type { TreeScan } from '../roots/readRootTrees.js';
import type { RootSet } from '../roots/types.js';
import type { ClassifyContext } from '../roots/classify.js';
import { readInFull, readStoreEntries, readStoreGraph, readValidPaths, startStoreListing } from '../snapshot/readStore.js';
import { livenessMemoFor } from '../graph/cache/cacheLocations.js';
import { matchedOnArrival } from '../snapshot/storeListingCache.js';
import { compareBytes } from '../store/bytes.js';
import { LARGE_CACHED_STORE, releaseMemory } from '../store/releaseMemory.js';

/**
 * Roots through the roots index (cached listings of unchanged directories); validity from the DB
 * now, or, with `scope`, the decisions kept for unchanged directories and this very graph.
 */
function findRootsIndexed(settings: Settings, isValid: (path: string) => boolean, order: 'sorted' | 'any', ids?: ClassifyContext['ids'], scope?: DecisionScope, storeListed?: Promise<unknown>): Promise<IndexedScan<RootSet & { scan: TreeScan }>> {
  return withIndex(settings, (cache) => findRoots(settings, isValid, { cache, order, ids, storeListed }), false, scope);
}

export async function reportRoots(settings: Settings): Promise<RootsReport> {
  // Validity from a path table (the graph cache's when there is one): no set of strings.
  const { paths, findings: graphFindings } = readValidPaths(settings);
  // Looked up in it by id: a directory's regular files all at once (decideTrees).
  const { result: rootSet, index, findings } = await findRootsIndexed(settings, (p) => paths.idOf(p) !== -1, 'sorted', paths);
  return { command: 'roots', storeDir: settings.storeDir, roots: rootSet.roots, findings: [...graphFindings, ...findings, ...rootSet.findings], index };
}

export async function reportPaths(settings: Settings, command: 'live' | 'dead'): Promise<PathsReport> {
  // The store directory read on a thread, unless its cached listing is likely to stand in: while
  // the database is, or after it when it is read in full (on two cores, a listing beside that
  // read slowed it by more than it saved), and before the temp roots (a build registers its
  // output's temp root before it creates the output, so every entry listed that no valid path
  // names has its temp root read). An entry that appears later is one this run does not list, as
  // if it had run a moment earlier; it deletes nothing. `gc` lists the store the same way, beside
  // its roots, and reads the temp roots after the listing too.
  const late = readInFull(settings);
  const early = late ? undefined : startStoreListing(settings);
  const { graph, findings: graphFindings, key, lineage } = readStoreGraph(settings, true);
  // Read in full: the graph is known, and each entry is matched as it is read; else each entry
  // is matched as soon as the listing arrives (during the roots' scan, which waits for it).
  const listing = late ? startStoreListing(settings, graph.paths) : early === undefined ? undefined : matchedOnArrival(early, graph);
  // The graph's key (none without the graph cache, or with ca-derivations) scopes kept decisions.
  // Decisions kept for the graph this one was refreshed from are translated through its lineage.
  const scope = key === undefined ? undefined : decisionScope(key, settings.storeDir, graph.paths.size, lineage);
  const indexed = await findRootsIndexed(settings, (p) => graph.paths.idOf(p) !== -1, 'any', graph.paths, scope, listing?.listing);
  const { index, findings } = indexed;
  // The scan's listings (saved to the index by now) are not kept through liveness.
  const { scan: _saved, ...rootSet } = indexed.result;
  const entries = await readStoreEntries(settings, graph, key, listing);
  // The snapshot is whole: what reading the database in full left behind goes before liveness
  // runs beside it. With the graph cache, what the roots' scan and the store listing left (at
  // 1.3M paths some 80 MB, 27 ms to collect); at 200k paths there is little to give back.
  releaseMemory(graph.paths.size, late ? undefined : LARGE_CACHED_STORE);
  // The answer kept from the last run for these very inputs (a digest of all of them), if any.
  const { live, dead } = classifyPaths(graph, rootSet, entries, settings, command, livenessMemoFor(settings, key));
  // Junk in byte order, as Nix prints it in --print-live and --print-dead (its results are a std::set).
  const junk = [...entries.junk].sort(compareBytes);
  const paths = command === 'live' ? live : dead.withOthers(junk.map((name) => ({ path: `${settings.storeDir}/${name}`, narSize: null })));
  return { command, storeDir: settings.storeDir, paths, junk, findings: [...graphFindings, ...findings, ...rootSet.findings], index };
}
