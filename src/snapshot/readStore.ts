/**
 * The snapshot stages every command shares: the database read into an id-based graph, and the
 * store directory's entries, each checked against the other (the database must belong to the
 * store: see store/storeMatch.ts). Only reads.
 */
import { existsSync } from 'node:fs';
import { dbFileOf } from '../config/settings.js';
import type { Settings } from '../config/settings.js';
import { caDrvReader, graphValidPaths } from '../graph/loadGraph.js';
import { PathTable } from '../graph/pathTable.js';
import { loadGraphCached, loadGraphForSettings } from '../graph/cache/graphCache.js';
import { graphCacheFile, storeListingFile } from '../graph/cache/cacheLocations.js';
import { cachedListingIdentity, entriesOf, storeEntriesCached } from './storeListingCache.js';
import { listOnThread, storeDirIdentity } from './listingThread.js';
import { listMatchedOnThread } from './matchedListing.js';
import type { DirIdentity } from '../roots/index/listing.js';
import type { EarlyListing } from './listingThread.js';
import type { Finding } from '../roots/types.js';
import type { GraphLineage } from '../graph/lineage.js';
import type { StoreGraph } from '../graph/storeGraph.js';
import { registeredEntries, splitStoreEntries } from '../liveness/storeEntries.js';
import type { StoreEntries } from '../liveness/storeEntries.js';
import { fsPath } from '../store/bytes.js';
import { listStore } from '../store/listStore.js';
import { NixDbReader } from '../store/nixDb.js';
import { checkStoreMatch } from '../store/storeMatch.js';

/** Opens the database (validating schema and columns) and closes it again: nothing is created. */
export function validateDatabase(settings: Settings): void {
  NixDbReader.open(dbFileOf(settings)).close();
}

/**
 * ValidPaths, Refs and DerivationOutputs (and Realisations with ca-derivations) as a graph.
 * @param cached through the graph cache (read-only commands, unless --no-index); `gc` reads the
 *   database in full (README, "The caches").
 */
export function readStoreGraph(settings: Settings, cached: boolean): { graph: StoreGraph; findings: Finding[]; key?: string; lineage?: GraphLineage } {
  const db = NixDbReader.open(dbFileOf(settings));
  try {
    // In full, Refs read meanwhile on another core (refsPrefetch.ts: its rows used only where both
    // reads provably saw one state of the database).
    const { graph, findings, key, lineage } = cached ? loadGraphForSettings(db, settings) : { ...loadGraphCached(db, { file: undefined, stateDir: settings.stateDir, dbFile: dbFileOf(settings), storeDir: settings.storeDir, readDrvFile: caDrvReader(settings) }), key: undefined, lineage: undefined };
    if (!settings.force) checkStoreMatch({ ...matchOf(settings), validPaths: graph.paths.bounds() });
    return { graph, findings, ...(key === undefined ? {} : { key, ...(lineage === undefined ? {} : { lineage }) }) };
  } finally {
    db.close();
  }
}

/**
 * The valid paths as a path table: all `roots` needs of the database. From the graph cache when
 * there is one (its table costs nothing when current); else only ValidPaths is read.
 */
export function readValidPaths(settings: Settings): { paths: PathTable; findings: Finding[] } {
  if (settings.index.kind !== 'none' && caDrvReader(settings) === undefined) {
    const { graph, findings } = readStoreGraph(settings, true);
    return { paths: graph.paths, findings };
  }
  const db = NixDbReader.open(dbFileOf(settings));
  try {
    const { paths, prefix } = graphValidPaths(db.validPathColumns(undefined, `${settings.storeDir}/`));
    if (paths.raw.nulls.includes(1)) throw new Error('ValidPaths has a row without a path');
    const { table } = PathTable.fromPacked(`${settings.storeDir}/`, paths.raw, undefined, prefix !== undefined);
    if (!settings.force) checkStoreMatch({ ...matchOf(settings), validPaths: table.bounds() });
    return { paths: table, findings: [] };
  } finally {
    db.close();
  }
}

/**
 * Will the database be read in full (no graph cache file to read it from)? Then two threads read
 * it (refsPrefetch.ts), and a store listing beside them slows it by more than it saves.
 */
export function readInFull(settings: Settings): boolean {
  const file = graphCacheFile(settings);
  return file === undefined || caDrvReader(settings) !== undefined || !existsSync(fsPath(file));
}

/**
 * For `live`, `dead` (after the database when it is read in full), `roots --sizes` and `report`
 * (first): the store
 * directory read on a thread while the rest is (listingThread.ts), unless the store listing
 * cache records the directory as it is now (then it will most likely stand in for the readdir).
 * @param paths the graph's path table, when it is known: each entry is matched as it is read
 *   (matchedListing.ts).
 */
export function startStoreListing(settings: Settings, paths?: PathTable): EarlyListing | undefined {
  const readAtNs = BigInt(Date.now()) * 1_000_000n;
  const identity = storeDirIdentity(settings.realStoreDir);
  if (identity === undefined) return undefined;
  const file = storeListingFile(settings);
  const kept = file === undefined ? undefined : cachedListingIdentity(file);
  if (kept !== undefined && kept.dev === identity.dev && kept.ino === identity.ino && kept.mtimeNs === identity.mtimeNs && kept.ctimeNs === identity.ctimeNs) return undefined;
  return listingOf(settings.realStoreDir, identity, readAtNs, paths);
}

/**
 * For `gc`: the store directory read on a thread while the roots are (listingThread.ts), never
 * through the store listing cache; undefined where the directory cannot be looked at (then
 * readStoreEntries reads it and says why).
 */
export function listStoreNow(settings: Settings, paths: PathTable): EarlyListing | undefined {
  const readAtNs = BigInt(Date.now()) * 1_000_000n;
  const identity = storeDirIdentity(settings.realStoreDir);
  return identity === undefined ? undefined : listingOf(settings.realStoreDir, identity, readAtNs, paths);
}

function listingOf(realStoreDir: string, identity: DirIdentity, readAtNs: bigint, paths: PathTable | undefined): EarlyListing {
  return (paths === undefined ? undefined : listMatchedOnThread(realStoreDir, identity, readAtNs, paths)) ?? listOnThread(realStoreDir, identity, readAtNs);
}

/**
 * The store directory's entries in readdir order; refused when none of them is registered.
 * @param graphKey the graph cache's key for `graph` (live and dead): then through the store
 *   listing cache, next to the graph cache.
 * @param early the listing startStoreListing began, if it did.
 */
export async function readStoreEntries(settings: Settings, graph: StoreGraph, graphKey?: string, early?: EarlyListing): Promise<StoreEntries> {
  const file = graphKey === undefined ? undefined : storeListingFile(settings);
  let entries: StoreEntries;
  if (file === undefined || graphKey === undefined) {
    entries = early === undefined ? splitStoreEntries(listStore(settings.realStoreDir)) : entriesOf(graph, await early.listing);
  } else {
    entries = (await storeEntriesCached(graph, { file, realStoreDir: settings.realStoreDir, graphKey }, early)).entries;
  }
  if (!settings.force) checkStoreMatch({ ...matchOf(settings), validPaths: [], entries: registeredEntries(entries, graph) });
  return entries;
}

function matchOf(settings: Settings): { storeDir: string; dbFile: string; realStoreDir: string } {
  return { storeDir: settings.storeDir, dbFile: dbFileOf(settings), realStoreDir: settings.realStoreDir };
}
