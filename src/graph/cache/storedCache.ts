/**
 * The graph cache file as graphCache.ts reads and writes it: opened and judged (intact, of
 * this state dir, of this database file), and written whole through a temporary file.
 */
import { statSync } from 'node:fs';
import { display, fsPath } from '../../store/bytes.js';
import type { Finding } from '../../roots/types.js';
import type { GraphLineage } from '../lineage.js';
import type { StoreGraph } from '../storeGraph.js';
import type { CachedRows } from './cachedRows.js';
import { CacheDamaged, CacheOutdated } from './cacheFile.js';
import { openCacheFile } from './openCacheFile.js';
import type { EncodedParts } from './cacheFile.js';
import { settleWrite, writeWhole } from '../../store/writeBehind.js';
import type { CacheIdentity } from './cacheFile.js';
import { decodeGraph } from './graphBlob.js';

/** The rows, and the stored graph when it was not read at first, being read (cacheFile.ts). */
export interface StoredSoon {
  /** @throws CacheDamaged when either does not check or decode. */
  take(): { readonly graph?: StoreGraph; readonly rows: CachedRows };
  close(): void;
}

/** A cache file found intact and of this database, as readCache gives it. */
export interface OpenedCache {
  /** The cached rows, read when called. */
  readonly rows: () => CachedRows;
  /** The rows, and the graph if it was not read now, read from now on on another thread. */
  readonly soon: (fromBytes?: number) => StoredSoon;
  /** The stored graph, when it was read now. */
  readonly graph?: StoreGraph;
  /** The file holds a graph that `soon` reads (it may still turn out to be another store dir's). */
  readonly graphLater: boolean;
  /** The header's facts of the stored graph (its key, the database fingerprint, its lineage). */
  readonly key?: string;
  readonly fingerprint?: string;
  readonly lineage?: GraphLineage;
}

/**
 * The cache if the file is intact and of this database: the rows (read when asked), with the
 * graph built from them when it holds one for `graphStoreDir` — read and checked now if
 * `graphNow` says so given the fingerprint its header holds (the database untouched since:
 * nothing else to read), else by `soon`, beside the rows; otherwise why not (a warning when
 * damaged or foreign). Rows found damaged when read throw CacheDamaged.
 * @param mapFrom map the file from this size where the machine can (openCacheFile.ts MAP_FROM; tests).
 */
export function readCache(file: string, identity: CacheIdentity, findings: Finding[], graphStoreDir?: string, graphNow: (fingerprint: string | undefined) => boolean = () => true, mapFrom?: number): (Partial<OpenedCache> & { reason?: string }) | undefined {
  // This process's own write of the file, if still on its thread, is the file to read.
  settleWrite(file);
  try {
    const content = openCacheFile(fsPath(file), (fingerprint) => graphStoreDir !== undefined && graphNow(fingerprint), mapFrom);
    if (content.identity.stateDir !== identity.stateDir) throw new CacheDamaged(`made for state dir '${content.identity.stateDir}'`);
    if (content.identity.dbDev !== identity.dbDev || content.identity.dbIno !== identity.dbIno) return { reason: 'another database file (inode changed)' };
    const graph = content.graph === undefined || graphStoreDir === undefined ? undefined : decodeGraph(content.graph, graphStoreDir);
    const graphLater = graphStoreDir !== undefined && content.hasGraph && content.graph === undefined;
    const soon = (fromBytes?: number): StoredSoon => {
      const sections = content.soon(fromBytes);
      return {
        take: () => {
          const taken = sections.take();
          try {
            const later = taken.graph === undefined || graphStoreDir === undefined ? undefined : decodeGraph(taken.graph, graphStoreDir);
            return { ...(later === undefined ? {} : { graph: later }), rows: taken.rows };
          } catch (error) {
            throw error instanceof RangeError || error instanceof SyntaxError ? new CacheDamaged(error.message) : error;
          }
        },
        close: () => sections.close(),
      };
    };
    const facts = { key: content.key, ...(content.fingerprint === undefined ? {} : { fingerprint: content.fingerprint }), ...(content.lineage === undefined ? {} : { lineage: content.lineage }) };
    return { rows: content.rows, soon, graphLater, ...(graph === undefined && !graphLater ? {} : { ...(graph === undefined ? {} : { graph }), ...facts }) };
  } catch (error) {
    // No file there (a non-directory in the path is the same): nothing to read; writing will say why it cannot.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code !== undefined) {
      findings.push({ code: 'index-unavailable', path: file, message: `cannot read the graph cache '${display(file)}' (${(error as Error).message}); reading the database in full` });
      return { reason: 'unreadable cache' };
    }
    if (error instanceof CacheOutdated) return { reason: `cache of an older storegc (${error.message})` };
    if (error instanceof RangeError) error = new CacheDamaged(error.message);
    if (!(error instanceof CacheDamaged) && !(error instanceof SyntaxError)) throw error;
    findings.push({ code: 'index-rebuilt', path: file, message: `graph cache '${display(file)}' was unusable (${error.message}); rebuilding it` });
    return { reason: `unusable cache (${error.message})` };
  }
}

export function identityOf(request: { readonly stateDir: string; readonly dbFile: string }): CacheIdentity {
  const st = statSync(fsPath(request.dbFile));
  return { stateDir: request.stateDir, dbDev: st.dev, dbIno: st.ino };
}

/**
 * Temp file then rename: a reader sees the old cache or the new one, never half of one; with
 * `behind`, written on a thread while the run goes on (writeBehind.ts). The rows' pages of a
 * mapped file (the cached rows a refresh kept: rowPieces.ts) are given back as they are written.
 */
export function writeCache(file: string, encoded: EncodedParts | readonly Buffer[], behind = false): void {
  if (Array.isArray(encoded)) {
    writeWhole(file, encoded as readonly Buffer[], { behind });
    return;
  }
  const { parts, checks, rowParts } = encoded as EncodedParts;
  writeWhole(file, parts, { checks, behind, dropMapped: rowParts });
}
