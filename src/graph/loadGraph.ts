/**
 * Bulk load of ValidPaths, Refs and DerivationOutputs into a StoreGraph: one pass per table.
 * With ca-derivations on, Realisations too, which needs the `.drv` files (realisedOutputs.ts).
 */
import { fromText } from '../store/bytes.js';
import type { Settings } from '../config/settings.js';
import { drvFileReader } from '../store/drvFiles.js';
import type { ReadDrvFile } from '../store/drvFiles.js';
import type { DerivationOutputRow, NixDbReader, RealisationRow, ValidPathColumns } from '../store/nixDb.js';
import { TextColumn } from './cache/textColumn.js';
import type { RefColumns } from './cache/refsPrefetch.js';
import { buildCsr, sortRows } from './csr.js';
import { PathTable } from './pathTable.js';
import { realisedOutputs } from './realisedOutputs.js';
import type { RealisedOutputs } from './realisedOutputs.js';
import type { StoreGraph } from './storeGraph.js';
import { DbIdIndex } from './dbIdIndex.js';
import { releaseMemory } from '../store/releaseMemory.js';

/** What `loadGraph` needs to read `.drv` files, when the settings make it read them. */
export function caDrvReader(settings: Settings): ReadDrvFile | undefined {
  return settings.caDerivations ? drvFileReader(settings.storeDir, settings.realStoreDir) : undefined;
}

/**
 * @param readDrvFile given when the experimental feature ca-derivations is on: then a
 *   derivation's outputs are its DerivationOutputs rows overridden, per output name, by its
 *   Realisations rows, as Nix 2.8 reads them.
 * @param prefetched Refs read elsewhere in this snapshot's state (src/graph/cache/refsPrefetch.ts),
 *   asked for after the first read; undefined from it: read here.
 */
export function loadGraph(db: NixDbReader, storeDir: string, readDrvFile?: ReadDrvFile, prefetched?: () => RefColumns | undefined): StoreGraph {
  const source: GraphRowSource = {
    // Without the store directory before each path: buildGraph's table keeps it once. The
    // pages they were read in are garbage before the table is built beside them.
    validPathColumns: () => {
      const columns = graphValidPaths(db.validPathColumns(undefined, `${storeDir}/`));
      releaseMemory(columns.ids.length);
      return columns;
    },
    refChunks: () => {
      const refs = prefetched?.();
      return refs === undefined ? db.refChunks() : [refs];
    },
    derivationOutputs: () => db.derivationOutputs(),
    realisations: () => db.realisations(),
  };
  const graph = db.snapshot(() => buildGraph(source, storeDir, readDrvFile));
  // The rows and edge buffers the graph was built from, before the roots are read beside it.
  releaseMemory(graph.paths.size);
  return graph;
}

/**
 * The rows `buildGraph` reads, from the database itself or from the graph cache
 * (src/graph/cache/): ValidPaths by column in rowid order, Refs in rowid order,
 * DerivationOutputs by derivation then output name.
 */
export interface GraphRowSource {
  /** ValidPaths by column, in rowid order. */
  validPathColumns(): GraphValidPaths;
  refChunks(): Iterable<{ referrers: ArrayLike<number>; references: ArrayLike<number> }>;
  derivationOutputs(): Iterable<DerivationOutputRow>;
  /** Read only when ca-derivations is on (never cached). */
  realisations(): RealisationRow[] | undefined;
}

/** ValidPaths by column: the text columns as SQLite stores them (UTF-8 bytes), no string per row. */
export interface GraphValidPaths {
  readonly ids: Float64Array;
  /** NaN where null. */
  readonly narSize: Float64Array;
  readonly registrationTime: Float64Array;
  readonly paths: TextColumn;
  readonly derivers: TextColumn;
  /** Left out before every path (ValidPathColumns.prefix), if anything is. */
  readonly prefix?: string;
}

/** The columns as read from the database (nixDb.ts), their text as TextColumns. */
export function graphValidPaths(columns: ValidPathColumns): GraphValidPaths {
  const { ids, narSize, registrationTime, paths, derivers, prefix } = columns;
  return { ids, narSize, registrationTime, paths: TextColumn.fromLengths(paths.bytes, paths.lengths), derivers: TextColumn.fromLengths(derivers.bytes, derivers.lengths), ...(prefix === undefined ? {} : { prefix }) };
}

/** The StoreGraph of one consistent set of rows (the caller holds the snapshot). */
export function buildGraph(db: GraphRowSource, storeDir: string, readDrvFile?: ReadDrvFile): StoreGraph {
  // ValidPaths in table order; ids become ranks in byte order of the paths (reports list paths
  // by id), given by the path table. No Map keyed by path: lookups go through the table.
  const { ids, narSize: narSizes, registrationTime: times, paths, derivers, prefix } = db.validPathColumns();
  const n = ids.length;
  const { bytes: pathBytes, offsets: pathAt, nulls: nullPaths } = paths.raw;
  if (nullPaths.includes(1)) throw new Error('ValidPaths has a row without a path');
  // The paths came as store names when every one is under the store directory.
  const names = prefix === `${storeDir}/`;
  if (prefix !== undefined && !names) throw new Error(`ValidPaths read without '${prefix}', not the store directory`);
  const { table, idOf: rankOfRow } = PathTable.fromPacked(`${storeDir}/`, { bytes: pathBytes, offsets: pathAt }, undefined, names);
  const narSize = new Float64Array(n);
  const registrationTime = new Float64Array(n);
  const dbIds = new Float64Array(n);
  const deriverIds = new Int32Array(n).fill(-1);
  const isDrv = new Uint8Array(n);
  // ValidPaths.id -> dense id, whatever the ids (dbIdIndex.ts: negative or far apart too).
  const { min, max } = DbIdIndex.rangeOf(ids);
  const denseOfDb = new DbIdIndex(n, min, max);
  const denseOf = (dbId: number): number | undefined => {
    const dense = denseOfDb.get(dbId);
    return dense === -1 ? undefined : dense;
  };
  const { bytes: deriverBytes, offsets: deriverAt } = derivers.raw;
  for (let i = 0; i < n; i++) {
    const dbId = ids[i]!;
    const dense = rankOfRow[i]!;
    denseOfDb.set(dbId, dense);
    dbIds[dense] = dbId;
    narSize[dense] = narSizes[i]!;
    registrationTime[dense] = times[i]!;
    if (endsWithDrv(pathBytes, pathAt[i]!, pathAt[i + 1]!)) isDrv[dense] = 1;
    // A null or empty deriver column names none.
    if (deriverAt[i + 1]! > deriverAt[i]!) deriverIds[dense] = names ? table.idOfNameBytes(deriverBytes, deriverAt[i]!, deriverAt[i + 1]!) : table.idOfBytes(deriverBytes, deriverAt[i]!, deriverAt[i + 1]!);
  }
  const id = n;

  const edges = new EdgeBuffer();
  for (const { referrers, references } of db.refChunks()) {
    for (let k = 0; k < referrers.length; k++) {
      const from = denseOf(referrers[k]!);
      const to = denseOf(references[k]!);
      if (from === undefined || to === undefined || from === to) continue;
      edges.push(from, to);
    }
  }
  const references = edges.toCsr(id);
  const referrers = sortRows(edges.reversed().toCsr(id));

  const realisations = readDrvFile === undefined ? undefined : db.realisations();
  const realised: RealisedOutputs = realisations === undefined
    ? new Map()
    : realisedOutputs(table, isDrv, realisations, denseOf, readDrvFile!);

  // `derivers` (the reverse keep-outputs edge, Nix's queryValidDerivers) is DerivationOutputs
  // only; `outputs` (queryPartialDerivationOutputMap) also has the realised outputs.
  const declared = new EdgeBuffer();
  const outputs = new EdgeBuffer();
  const unbuilt = new Map<string, number[]>();
  let lastDrv = -1;
  for (const [drvDbId, name, outPath] of db.derivationOutputs()) {
    const drv = denseOf(drvDbId);
    if (drv === undefined) continue;
    if (drv !== lastDrv) pushRealised(outputs, realised, lastDrv);
    lastDrv = drv;
    const p = fromText(outPath);
    const out = table.idOf(p);
    if (out !== -1) {
      declared.push(drv, out);
      if (!realised.get(drv)?.has(name)) outputs.push(drv, out);
    } else {
      (unbuilt.get(p) ?? unbuilt.set(p, []).get(p)!).push(drv);
    }
  }
  pushRealised(outputs, realised, lastDrv);
  for (const drv of realised.keys()) pushRealised(outputs, realised, drv);
  for (const list of unbuilt.values()) list.sort((a, b) => a - b);

  return {
    storeDir,
    paths: table,
    isDrv,
    dbIds: dbIds.subarray(0, id),
    narSize: narSize.subarray(0, id),
    registrationTime: registrationTime.subarray(0, id),
    deriver: deriverIds,
    references,
    referrers,
    outputs: outputs.toCsr(id),
    derivers: sortRows(declared.reversed().toCsr(id)),
    unbuiltOutputDerivers: unbuilt,
  };
}

const DRV = Buffer.from('.drv', 'latin1');

/** Does the path bytes[start .. end) end with `.drv` (storePath.ts isDerivation)? */
function endsWithDrv(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < DRV.length) return false;
  for (let k = 0; k < DRV.length; k++) if (bytes[end - DRV.length + k] !== DRV[k]) return false;
  return true;
}

/**
 * Appends the realised outputs of `drv` once, after its DerivationOutputs rows, and forgets
 * them. Row order is not output-name order when both kinds mix; no decision depends on it.
 */
function pushRealised(outputs: EdgeBuffer, realised: RealisedOutputs, drv: number): void {
  const named = realised.get(drv);
  if (named === undefined) return;
  for (const out of named.values()) outputs.push(drv, out);
  realised.delete(drv);
}

/** A growable pair of Int32Arrays holding edges in insertion order. */
class EdgeBuffer {
  from: Int32Array = new Int32Array(1024);
  to: Int32Array = new Int32Array(1024);
  length = 0;

  push(from: number, to: number): void {
    if (this.length === this.from.length) {
      this.from = grow(this.from);
      this.to = grow(this.to);
    }
    this.from[this.length] = from;
    this.to[this.length] = to;
    this.length++;
  }

  reversed(): EdgeBuffer {
    const r = new EdgeBuffer();
    r.from = this.to;
    r.to = this.from;
    r.length = this.length;
    return r;
  }

  toCsr(nodeCount: number) {
    return buildCsr(nodeCount, this.from, this.to, this.length);
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
