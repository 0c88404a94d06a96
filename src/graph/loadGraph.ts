/**
 * Bulk load of ValidPaths, Refs and DerivationOutputs into a StoreGraph: one pass per table.
 * With ca-derivations on, Realisations too, which needs the `.drv` files (realisedOutputs.ts).
 */
import { fromText } from '../store/bytes.js';
import type { Settings } from '../config/settings.js';
import { drvFileReader } from '../store/drvFiles.js';
import type { ReadDrvFile } from '../store/drvFiles.js';
import type { NixDbReader, ValidPathRow } from '../store/nixDb.js';
import { buildCsr, sortRows } from './csr.js';
import { realisedOutputs } from './realisedOutputs.js';
import type { RealisedOutputs } from './realisedOutputs.js';
import type { StoreGraph } from './storeGraph.js';

/** What `loadGraph` needs to read `.drv` files, when the settings make it read them. */
export function caDrvReader(settings: Settings): ReadDrvFile | undefined {
  return settings.caDerivations ? drvFileReader(settings.storeDir, settings.realStoreDir) : undefined;
}

/**
 * @param readDrvFile given when the experimental feature ca-derivations is on: then a
 *   derivation's outputs are its DerivationOutputs rows overridden, per output name, by its
 *   Realisations rows, as Nix 2.8 reads them.
 */
export function loadGraph(db: NixDbReader, storeDir: string, readDrvFile?: ReadDrvFile): StoreGraph {
  const count = db.countValidPaths();
  const paths: string[] = new Array<string>(count);
  const idOf = new Map<string, number>();
  const narSize = new Float64Array(count);
  const registrationTime = new Float64Array(count);
  const deriverText: (string | null)[] = new Array<string | null>(count);
  const dbIds = new Float64Array(count);
  // ValidPaths.id -> dense id (+1, so 0 means none); ids are autoincrement and dense enough.
  const denseOfDb = new Int32Array(db.maxValidPathId() + 1);
  const denseOf = (dbId: number): number | undefined => (dbId < denseOfDb.length && denseOfDb[dbId]! > 0 ? denseOfDb[dbId]! - 1 : undefined);

  // Dense ids follow byte order of the paths (reports list paths by id). The table is read in
  // its own order, then sorted: binary strings sort by bytes with the default comparison.
  const rows: ValidPathRow[] = [];
  for (const row of db.validPaths()) {
    row[1] = fromText(row[1]);
    rows.push(row);
  }
  const sorted = rows.map((r) => r[1]).sort();
  let id = 0;
  for (const p of sorted) {
    if (id > 0 && paths[id - 1] === p) continue;
    paths[id] = p;
    idOf.set(p, id++);
  }
  paths.length = id;
  for (const [dbId, path, deriver, size, regTime] of rows) {
    const dense = idOf.get(path)!;
    denseOfDb[dbId] = dense + 1;
    dbIds[dense] = dbId;
    narSize[dense] = size ?? Number.NaN;
    registrationTime[dense] = regTime;
    deriverText[dense] = deriver;
  }
  rows.length = 0;

  const deriverIds = new Int32Array(id).fill(-1);
  for (let i = 0; i < id; i++) {
    const d = deriverText[i];
    if (d) deriverIds[i] = idOf.get(fromText(d)) ?? -1;
  }

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
    : realisedOutputs(paths, (p) => idOf.has(p), realisations, denseOf, readDrvFile!);

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
    const out = idOf.get(p);
    if (out !== undefined) {
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
    paths,
    idOf,
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
