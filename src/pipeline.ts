/**
 * The only composer: settings -> roots -> graph -> liveness -> report. Nothing else knows the
 * whole sequence. Every stage here only reads, except that the roots index (a cache of
 * directory listings, src/roots/index/) is brought up to date.
 */
import type { Settings } from './config/settings.js';
import { loadGraphForSettings } from './graph/cache/graphCache.js';
import { classifyPaths, mergeByPath } from './liveness/classify.js';
import { splitStoreEntries } from './liveness/storeEntries.js';
import type { PathsReport, RootsReport } from './report/types.js';
import { findRoots } from './roots/findRoots.js';
import { withIndex } from './roots/index/withIndex.js';
import type { IndexedScan } from './roots/index/withIndex.js';
import type { TreeScan } from './roots/readRootTrees.js';
import type { RootSet } from './roots/types.js';
import { compareBytes } from './store/bytes.js';
import { listStore } from './store/listStore.js';
import { NixDbReader } from './store/nixDb.js';
import { checkStoreMatch } from './store/storeMatch.js';
import { dbFileOf } from './config/settings.js';
import { registeredEntries } from './liveness/storeEntries.js';

function openDb(settings: Settings): NixDbReader {
  return NixDbReader.open(dbFileOf(settings));
}

function matchOf(settings: Settings): { storeDir: string; dbFile: string; realStoreDir: string } {
  return { storeDir: settings.storeDir, dbFile: dbFileOf(settings), realStoreDir: settings.realStoreDir };
}

/** Roots through the roots index (cached listings of unchanged directories); validity from the DB now. */
function findRootsIndexed(settings: Settings, isValid: (path: string) => boolean, order: 'sorted' | 'any'): Promise<IndexedScan<RootSet & { scan: TreeScan }>> {
  return withIndex(settings, (cache) => findRoots(settings, isValid, 'read', cache, order));
}

export async function reportRoots(settings: Settings): Promise<RootsReport> {
  const db = openDb(settings);
  let valid;
  try {
    valid = db.validPathSet();
  } finally {
    db.close();
  }
  if (!settings.force) checkStoreMatch({ ...matchOf(settings), validPaths: valid });
  const { result: rootSet, index, findings } = await findRootsIndexed(settings, (p) => valid.has(p), 'sorted');
  return { command: 'roots', storeDir: settings.storeDir, roots: rootSet.roots, findings: [...findings, ...rootSet.findings], index };
}

export async function reportPaths(settings: Settings, command: 'live' | 'dead'): Promise<PathsReport> {
  const db = openDb(settings);
  let graph, graphFindings;
  try {
    ({ graph, findings: graphFindings } = loadGraphForSettings(db, settings));
  } finally {
    db.close();
  }
  // Roots first, then the store listing, in Nix's order (reference §5.5).
  const { result: rootSet, index, findings } = await findRootsIndexed(settings, (p) => graph.paths.idOf(p) !== -1, 'any');
  const entries = splitStoreEntries(listStore(settings.realStoreDir));
  if (!settings.force) checkStoreMatch({ ...matchOf(settings), validPaths: graph.paths.bounds(), entries: registeredEntries(entries, graph) });
  const { live, dead } = classifyPaths(graph, rootSet, entries, settings);
  // Junk in byte order, as Nix prints it in --print-live and --print-dead (its results are a std::set).
  const junk = [...entries.junk].sort(compareBytes);
  const paths = command === 'live' ? live : mergeByPath(dead, junk.map((name) => ({ path: `${settings.storeDir}/${name}`, narSize: null })));
  return { command, storeDir: settings.storeDir, paths, junk, findings: [...graphFindings, ...findings, ...rootSet.findings], index };
}
