/**
 * The graph cache's part of `storegc index status|update|rebuild|verify`. Status reads the file
 * only; update and rebuild bring it up to date (rebuild ignores its contents); verify brings a
 * copy up to date in memory, without writing, and compares it with a full load.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Settings } from '../../config/settings.js';
import { dbFileOf } from '../../config/settings.js';
import { fsPath } from '../../store/bytes.js';
import { NixDbReader } from '../../store/nixDb.js';
import type { Finding } from '../../roots/types.js';
import { caDrvReader, loadGraph } from '../loadGraph.js';
import { CacheDamaged, CacheOutdated, decode } from './cacheFile.js';
import { graphDifferences } from './compareGraphs.js';
import { loadGraphCached } from './graphCache.js';
import { graphCacheFile } from './cacheLocations.js';
import type { GraphCacheUse } from './graphCache.js';

export interface GraphCacheReport {
  readonly file: string | undefined;
  /** status: what the file holds (undefined when there is none, or it is unusable: `problem`). */
  readonly paths?: number;
  readonly refs?: number;
  readonly sizeBytes?: number;
  readonly problem?: string;
  /** update, rebuild, verify: how the graph was obtained through the cache. */
  readonly use?: GraphCacheUse;
  /** verify: differences from a full load (none when the cache is sound). */
  readonly differences?: readonly string[];
}

export function graphCacheStatus(settings: Settings): GraphCacheReport {
  const file = graphCacheFile(settings);
  if (file === undefined) return { file };
  let bytes: Buffer;
  try {
    bytes = readFileSync(fsPath(file));
  } catch (error) {
    return { file, ...((error as NodeJS.ErrnoException).code === 'ENOENT' ? {} : { problem: (error as Error).message }) };
  }
  try {
    const { rows } = decode(bytes);
    return { file, paths: rows.vpId.length, refs: rows.refRowid.length, sizeBytes: statSync(fsPath(file)).size };
  } catch (error) {
    if (!(error instanceof CacheDamaged) && !(error instanceof CacheOutdated) && !(error instanceof SyntaxError)) throw error;
    return { file, problem: error.message };
  }
}

export function graphCacheUpdate(settings: Settings, rebuild: boolean): { report: GraphCacheReport; findings: Finding[] } {
  const file = graphCacheFile(settings);
  const db = NixDbReader.open(dbFileOf(settings));
  try {
    const { use, findings } = loadGraphCached(db, { file, stateDir: settings.stateDir, dbFile: dbFileOf(settings), storeDir: settings.storeDir, readDrvFile: caDrvReader(settings), rebuild });
    return { report: { file, use }, findings };
  } finally {
    db.close();
  }
}

export function graphCacheVerify(settings: Settings): { report: GraphCacheReport; findings: Finding[] } {
  const file = graphCacheFile(settings);
  if (file === undefined) return { report: { file, differences: [] }, findings: [] };
  const db = NixDbReader.open(dbFileOf(settings));
  try {
    const readDrvFile = caDrvReader(settings);
    const cached = loadGraphCached(db, { file, stateDir: settings.stateDir, dbFile: dbFileOf(settings), storeDir: settings.storeDir, readDrvFile, write: false });
    const full = loadGraph(db, settings.storeDir, readDrvFile);
    return { report: { file, use: cached.use, differences: graphDifferences(cached.graph, full) }, findings: cached.findings };
  } finally {
    db.close();
  }
}
