/**
 * The persistent graph cache: the ValidPaths, Refs and DerivationOutputs rows of the last run in
 * `STATE/storegc/graph-cache.bin` (or the per-user cache fallback, as for the roots index),
 * brought up to date from the database inside one read transaction (refresh.ts); the graph
 * stored with the rows (graphBlob.ts) is then patched with what changed (patchGraph.ts), or,
 * for changes a patch refuses, built again by the same `buildGraph` as a full load. When the
 * refresh proves nothing changed, the stored graph is used as it is.
 * When the database files have not been touched since a quiet moment before the cached rows
 * were read (dbFingerprint.ts), even the refresh's queries are skipped.
 * A cache that is damaged, of another
 * format or of another state dir is rebuilt with a warning; one of another database (another
 * inode) or with changes refresh cannot prove incremental costs a full load, silently.
 */
import type { Settings } from '../../config/settings.js';
import { dbFileOf } from '../../config/settings.js';
import { display, fromText } from '../../store/bytes.js';
import type { ReadDrvFile } from '../../store/drvFiles.js';
import type { NixDbReader } from '../../store/nixDb.js';
import type { Finding } from '../../roots/types.js';
import { buildGraph, caDrvReader, loadGraph } from '../loadGraph.js';
import { lineageOf } from '../lineage.js';
import { patchGraph } from '../patchGraph.js';
import type { PatchOptions } from '../patchGraph.js';
import type { GraphLineage } from '../lineage.js';
import type { StoreGraph } from '../storeGraph.js';
import { readAllRows, rowArrays, rowSource } from './cachedRows.js';
import type { CachedRows } from './cachedRows.js';
import { CacheDamaged, encodeParts, keyOfParts, rowsOfPieces } from './cacheFile.js';
import { isRowPieces } from './rowPieces.js';
import type { RowPieces } from './rowPieces.js';
import { encodeGraph, graphArrays } from './graphBlob.js';
import { dropMappedPages } from '../../store/mapFile.js';
import { graphCacheFile } from './cacheLocations.js';
import { identityOf, readCache, writeCache } from './storedCache.js';
import type { StoredSoon } from './storedCache.js';
import { fingerprintDb, isQuiet } from './dbFingerprint.js';
import type { DbFingerprint } from './dbFingerprint.js';
import { refreshRows } from './refresh.js';
import { RefsPrefetch } from './refsPrefetch.js';
import type { PrefetchOptions } from './refsPrefetch.js';
import type { Refreshed, RefreshOptions } from './refresh.js';

export interface GraphCacheUse {
  readonly file: string | undefined;
  /** unchanged: the cache as it was; incremental: brought up to date; full: the database read in full. */
  readonly source: 'unchanged' | 'incremental' | 'full';
  /** How "unchanged" was known: the database files untouched since the rows were read, or the rows compared. */
  readonly checked?: 'files' | 'rows';
  /** Why a full load, when there was a cache. */
  readonly reason?: string;
  /** Incremental: the stored graph patched with the changed rows (patchGraph.ts), not built again from all rows. */
  readonly patched?: boolean;
  /** Full: Refs were read on another thread (refsPrefetch.ts). */
  readonly refsOnThread?: boolean;
  readonly added: number;
  readonly deleted: number;
}

export interface GraphCacheRequest {
  /** The cache file, or undefined for none (a plain full load, nothing written). */
  readonly file: string | undefined;
  readonly stateDir: string;
  readonly dbFile: string;
  readonly storeDir: string;
  readonly readDrvFile?: ReadDrvFile;
  /** Write the result back (false for `index verify` and `index status`). */
  readonly write?: boolean;
  /** Ignore the cache's contents (`index rebuild`). */
  readonly rebuild?: boolean;
  /**
   * Write the cache on a thread while the run goes on (writeBehind.ts: the command's end waits
   * for it); what stops it then is a warning at the end instead of a finding.
   */
  readonly behind?: boolean;
  /** Tests only: switch a detection off. */
  readonly refresh?: RefreshOptions;
  readonly patch?: PatchOptions;
  /** Tests only: false reads Refs on this thread in a full load; 'unchecked' takes the other thread's rows of whatever state. */
  readonly prefetchRefs?: boolean | 'unchecked';
  /** Tests only: the cache file is mapped from this size (openCacheFile.ts MAP_FROM; Infinity: read, never mapped). */
  readonly mapFrom?: number;
  /** Tests only: Refs rows per page read on the other thread. */
  readonly prefetchPageRows?: number;
  /** Tests only: the size from which the cached rows are read on another thread (cacheFile.ts; default 8 MiB). */
  readonly rowsOnThreadFrom?: number;
  /** Tests only: how long the database files must have been quiet for their fingerprint to be kept. */
  readonly fingerprintMarginNs?: bigint;
}

export interface CachedGraph {
  readonly graph: StoreGraph;
  /**
   * The name of this graph in the cache file holding it (read or written now: random, kept while
   * the graph is the same; cacheFile.ts); undefined when none does. Equal keys mean equal graphs:
   * caches of what was matched against the graph (the store listing's ids) key on it.
   */
  readonly key?: string;
  /**
   * With `key`: the graph this one was refreshed from and the delta (lineage.ts), when it was
   * brought up to date incrementally from a stored graph (now, or by the run that wrote the file).
   */
  readonly lineage?: GraphLineage;
  readonly use: GraphCacheUse;
  readonly findings: Finding[];
}

/** The one call for `roots`/`live`/`dead`: the graph, through the cache unless `--no-index`. */
export function loadGraphForSettings(db: NixDbReader, settings: Settings): CachedGraph {
  return loadGraphCached(db, {
    file: graphCacheFile(settings), stateDir: settings.stateDir, dbFile: dbFileOf(settings), storeDir: settings.storeDir, readDrvFile: caDrvReader(settings), behind: true,
  });
}

export function loadGraphCached(db: NixDbReader, request: GraphCacheRequest): CachedGraph {
  const { file } = request;
  if (file === undefined) {
    // Refs read meanwhile on another core (refsPrefetch.ts), as in a full load through the cache.
    const prefetch = request.prefetchRefs === false ? undefined : new RefsPrefetch(prefetchOptions(db, request, fingerprintDb(request.dbFile), false));
    const graph = closing(() => loadGraph(db, request.storeDir, request.readDrvFile, prefetch === undefined ? undefined : () => prefetch.take()), prefetch);
    return { graph, use: { file, source: 'full', added: 0, deleted: 0, ...(prefetch?.served === true ? { refsOnThread: true } : {}) }, findings: [] };
  }
  const findings: Finding[] = [];
  const identity = identityOf(request);
  // Before the read transaction: a commit after this moment shows in the next run's fingerprint.
  const fingerprint = fingerprintDb(request.dbFile);
  // The stored graph is read now only if the database files are untouched since (nothing else
  // to read then); otherwise beside the rows, on another thread, while SQLite scans ValidPaths.
  const opened = request.rebuild ? undefined : readCache(file, identity, findings, request.readDrvFile === undefined ? request.storeDir : undefined, (stored) => stored === fingerprint.key, request.mapFrom);
  if (opened?.rows !== undefined && opened.graph !== undefined && opened.fingerprint === fingerprint.key) {
    return { graph: opened.graph, key: opened.key, ...lineageField(opened.lineage), use: { file, source: 'unchanged', checked: 'files', added: 0, deleted: 0 }, findings };
  }
  const keep = isQuiet(fingerprint, request.fingerprintMarginNs) ? fingerprint.key : undefined;
  // Nothing cached to refresh: a full load, with Refs read meanwhile on another core (refsPrefetch.ts).
  const prefetch = opened?.rows === undefined && request.prefetchRefs !== false ? new RefsPrefetch(prefetchOptions(db, request, fingerprint, true)) : undefined;
  let rows: CachedRows | RowPieces;
  let use: GraphCacheUse;
  let reused = false;
  // The refresh's delta, to say where the new graph came from (only from a stored graph with its key).
  let delta: { deletedIds: ReadonlySet<number>; watermark: number } | undefined;
  // Cached rows (and graph) to refresh: read on another thread while the database is queried (cacheFile.ts).
  const soon = opened?.soon?.(request.rowsOnThreadFrom);
  // The stored graph, once read.
  let stored = opened?.graph;
  const graph = closing(() => db.snapshot(() => {
    let refreshed: RefreshedCache | undefined;
    try {
      refreshed = soon === undefined ? undefined : refreshCached(db, stored, request, soon);
      if (refreshed?.graph !== undefined) stored = refreshed.graph;
      if (refreshed?.kind === 'current') {
        rows = refreshed.rows;
        use = { file, source: refreshed.changed ? 'incremental' : 'unchanged', ...(refreshed.changed ? {} : { checked: 'rows' as const }), added: refreshed.added, deleted: refreshed.deleted };
        if (!refreshed.changed && stored !== undefined) {
          reused = true;
          return stored;
        }
        const { watermark } = refreshed;
        delta = { deletedIds: refreshed.deletedIds, watermark };
        let unpatched = 'no stored graph';
        if (stored !== undefined && request.readDrvFile === undefined) {
          const { since, cached } = refreshed;
          const patched = patchGraph(stored, {
            deletedDbIds: refreshed.deletedIds, ...since, watermark,
            // The cached rows (the patch looks at those of kept ids only: the refreshed rows' but those registered since).
            derivers: () => ({ ids: cached.vpId, derivers: cached.vpDeriver }),
          }, request.patch, (arrays) => dropMappedPages(arrays));
          if (typeof patched !== 'string') {
            use = { ...use!, patched: true };
            return patched;
          }
          unpatched = patched;
        }
        const source = isRowPieces(rows) ? (rows.texts.vpPath === undefined ? undefined : rowSource(rowsOfPieces(rows), db)) : rowSource(rows, db);
        if (source !== undefined) return buildGraph(source, request.storeDir, request.readDrvFile);
        // Rows stored with their graph have no paths of their own: what the patch cannot do is a full load.
        delta = undefined;
        refreshed = { kind: 'full', reason: `the stored graph could not be patched (${unpatched})` };
      }
    } catch (error) {
      // A text column that does not parse (checked only when first read): as a damaged file.
      if (!(error instanceof CacheDamaged)) throw error;
      delta = undefined;
      findings.push({ code: 'index-rebuilt', path: file, message: `graph cache '${display(file)}' was unusable (${error.message}); rebuilding it` });
      refreshed = { kind: 'full', reason: `unusable cache (${error.message})` };
    }
    const all = readAllRows(db, prefetch === undefined ? undefined : () => prefetch.take());
    const reason = refreshed?.kind === 'full' ? refreshed.reason : opened?.reason;
    use = { file, source: 'full', ...(reason === undefined ? {} : { reason }), added: 0, deleted: 0 };
    const built = buildGraph(all.source, request.storeDir, request.readDrvFile);
    rows = all.rows();
    if (prefetch?.served === true) use = { ...use, refsOnThread: true };
    return built;
  }), prefetch ?? soon);
  // Rewritten when the rows changed, to add the built graph it lacked (never with Realisations),
  // or to keep a fingerprint of files that have become quiet since.
  const addGraph = !reused && request.readDrvFile === undefined;
  const withGraph = request.readDrvFile === undefined;
  let key = reused ? opened?.key : undefined;
  // The same graph keeps the lineage it was written with; a refreshed one gets the step it was made by.
  const lineage = reused ? opened?.lineage
    : delta !== undefined && stored !== undefined && opened?.key !== undefined && withGraph ? lineageOf(opened.key, stored.dbIds, delta.deletedIds, graph.dbIds, delta.watermark) : undefined;
  // A stored graph replaced by a patched or built one: its mapped pages (178 MB at 1.3M paths) given back now.
  if (stored !== undefined && stored !== graph) dropMappedPages(graphArrays(stored));
  if (request.write !== false && (use!.source !== 'unchanged' || addGraph || (withGraph && keep !== undefined && keep !== opened?.fingerprint))) {
    try {
      const graphParts = withGraph ? encodeGraph(graph) : undefined;
      // The same graph written again (to keep a fingerprint) keeps its name.
      const encoded = encodeParts(identity, rows!, graphParts, withGraph ? keep : undefined, lineage, reused ? opened?.key : undefined);
      const written = withGraph ? keyOfParts(encoded.parts, graphParts) : undefined;
      writeCache(file, encoded, request.behind === true);
      key = written;
    } catch (error) {
      findings.push({ code: 'index-unavailable', path: file, message: `cannot write the graph cache '${display(file)}' (${(error as Error).message}); the next run reads the database in full` });
    }
  }
  return { graph, ...(key === undefined ? {} : { key, ...lineageField(lineage) }), use: use!, findings };
}

function prefetchOptions(db: NixDbReader, request: GraphCacheRequest, before: DbFingerprint, rowids: boolean): PrefetchOptions {
  return {
    file: db.file, dbFile: request.dbFile, before, rowids,
    ...(request.fingerprintMarginNs === undefined ? {} : { marginNs: request.fingerprintMarginNs }),
    ...(request.prefetchRefs === 'unchecked' ? { checkSameState: false } : {}),
    ...(request.prefetchPageRows === undefined ? {} : { pageRows: request.prefetchPageRows }),
  };
}

/**
 * A refresh of the cached rows; when current, with the watermark they were cached at and the
 * cached rows themselves; with the stored graph when it was read beside the rows.
 */
type RefreshedCache = ((Extract<Refreshed, { kind: 'current' }> & { readonly watermark: number; readonly cached: CachedRows }) | Extract<Refreshed, { kind: 'full' }>) & { readonly graph?: StoreGraph };

/**
 * The cached rows brought up to date (refresh.ts), the rows (and the stored graph, unless read
 * already: `stored`) taken from `soon` after the scan of ValidPaths. When they changed, the new
 * rows are pieces of the cached ones (rowPieces.ts): views of the file read, whose pages the
 * cache's writer gives back as it writes them.
 */
function refreshCached(db: NixDbReader, stored: StoreGraph | undefined, request: GraphCacheRequest, soon: StoredSoon): RefreshedCache {
  const scanned = db.validPathIdsAndSizes();
  const taken = soon.take();
  const graph = taken.graph ?? stored;
  const cachedRows = taken.rows;
  const refreshed = refreshRows(db, cachedRows, request.refresh, samePathIn(graph, cachedRows), scanned);
  const withGraph = taken.graph === undefined ? {} : { graph: taken.graph };
  if (refreshed.kind !== 'current') return { ...refreshed, ...withGraph };
  if (refreshed.changed) {
    // The rows read are a mapped file's pages (at 1.3M paths 100 MB): given back now, before the
    // graph is patched (its deriver scan reads two columns again, the writer each piece once).
    dropMappedPages(rowArrays(cachedRows));
  }
  return { ...refreshed, watermark: cachedRows.sequence, cached: cachedRows, ...withGraph };
}

/** `run`'s result, `resource` closed however it ends. */
function closing<T>(run: () => T, resource: { close(): void } | undefined): T {
  try {
    return run();
  } finally {
    resource?.close();
  }
}

function lineageField(lineage: GraphLineage | undefined): { lineage?: GraphLineage } {
  return lineage === undefined ? {} : { lineage };
}

/**
 * How the refresh checks that a cached id still names its path: through the stored graph when
 * there is one (its ids are ranks, found by ValidPaths.id), so the text columns stay unparsed.
 */
function samePathIn(graph: StoreGraph | undefined, rows: CachedRows): ((k: number, path: string | undefined) => boolean) | undefined {
  if (graph === undefined) return undefined;
  return (k, path) => {
    const dense = graph.dbIds.indexOf(rows.vpId[k]!);
    return path !== undefined && dense !== -1 && graph.paths.pathOf(dense) === fromText(path);
  };
}
