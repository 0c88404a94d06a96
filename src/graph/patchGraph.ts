/**
 * A stored graph brought up to date with the rows that changed since it was built, instead of
 * building it again from every row: kept paths keep their relative order (ids are ranks), so
 * each array and edge row is the old one renumbered in one pass, with the added paths merged in
 * (pathTable.ts `merged`). The result equals `buildGraph` over the refreshed rows (the graph
 * cache's property test compares them after every step); changes whose effect on the graph
 * needs what it does not keep are refused, and the caller builds in full:
 *
 * - Refs rows of a path registered before (Nix re-registering it: `insert or replace` moves the
 *   row to the end of the path's references, in rowid order);
 * - DerivationOutputs rows of a derivation registered before (their place among its outputs
 *   follows output names, which the graph does not keep);
 * - a registered path some derivation already names as its output (the same).
 *
 * A registered path may be what a kept path's deriver column names: that column is read for the
 * kept rows (only when paths were registered). Pure.
 */
import { fromText } from '../store/bytes.js';
import type { ValidPathRow } from '../store/nixDb.js';
import { isDerivation } from '../store/storePath.js';
import type { Csr } from './csr.js';
import { DbIdIndex } from './dbIdIndex.js';
import { helperBy } from '../store/native.js';
import type { By } from '../store/native.js';
import type { StoreGraph } from './storeGraph.js';

export interface GraphDelta {
  /** ValidPaths ids invalidated since the graph. */
  readonly deletedDbIds: ReadonlySet<number>;
  /** ValidPaths rows registered since (ids above `watermark`), by id. */
  readonly added: readonly ValidPathRow[];
  /** The new narSize (NaN for null) of kept ValidPaths ids whose narSize changed. */
  readonly narSizes: ReadonlyMap<number, number>;
  /** Refs rows [rowid, referrer, reference] written since, by rowid. */
  readonly refs: readonly (readonly [number, number, number])[];
  /** DerivationOutputs rows [rowid, drv, name, path] written since. */
  readonly outputs: readonly (readonly [number, number, string, string])[];
  /** sqlite_sequence of ValidPaths when the graph was built. */
  readonly watermark: number;
  /** ValidPaths.id and deriver of the rows the graph was built from (read only if paths were added). */
  derivers(): { readonly ids: Float64Array; readonly derivers: { at(k: number): string | null } };
}

/** Tests only: switch a detection off, to show the property test notices. */
export interface PatchOptions {
  readonly skipDeriverScan?: boolean;
  readonly skipOutputCheck?: boolean;
  readonly skipEarlierRowsCheck?: boolean;
  /** Tests only: 'node' renumbers the edges without the native helper. */
  readonly by?: By;
}

/**
 * `graph` with `delta` applied, or why it cannot be patched.
 * @param done told of each array of `graph` once this has read it for the last time (the graph
 *   cache gives a mapped file's pages back then: the old graph and the new are not resident whole
 *   at once).
 */
export function patchGraph(graph: StoreGraph, delta: GraphDelta, options: PatchOptions = {}, done: (arrays: ArrayBufferView[]) => void = () => undefined): StoreGraph | string {
  const { watermark } = delta;
  if (!options.skipEarlierRowsCheck) {
    if (delta.refs.some((r) => r[1] <= watermark)) return 'Refs rows of a path registered before';
    if (delta.outputs.some((r) => r[1] <= watermark)) return 'DerivationOutputs rows of a derivation registered before';
  }
  const n = graph.paths.size;
  // ValidPaths ids, whatever they are (dbIdIndex.ts): those deleted, then below the new id of each.
  const range = DbIdIndex.rangeOf(graph.dbIds, delta.added.map((r) => r[0]));
  const gone = new DbIdIndex(delta.deletedDbIds.size, range.min, range.max, n);
  for (const id of delta.deletedDbIds) gone.set(id, 0);
  const deletedList: number[] = [];
  if (delta.deletedDbIds.size > 0) for (let i = 0; i < n; i++) if (gone.get(graph.dbIds[i]!) !== -1) deletedList.push(i);
  const deleted = Int32Array.from(deletedList);
  const addedPaths = delta.added.map((r) => fromText(r[1]));
  const byPath = Array.from(addedPaths.keys()).sort((x, y) => (addedPaths[x]! < addedPaths[y]! ? -1 : addedPaths[x]! > addedPaths[y]! ? 1 : 0));

  // Paths that become unbuilt outputs: deleted ones that kept derivations name.
  const unbuilt = new Map<string, number[]>();
  const merged = graph.paths.merged(deleted, byPath.map((k) => addedPaths[k]!));
  if (merged === undefined) return 'the added paths do not merge into the path table';
  const { table, newOf, addedIds } = merged;
  for (const [path, drvs] of graph.unbuiltOutputDerivers) {
    const kept = drvs.map((d) => newOf[d]!).filter((d) => d !== -1);
    if (kept.length > 0) unbuilt.set(path, kept);
  }
  for (const x of deleted) {
    const kept = Array.from(graph.derivers.list.subarray(graph.derivers.start[x]!, graph.derivers.start[x + 1]!), (d) => newOf[d]!).filter((d) => d !== -1);
    if (kept.length > 0) unbuilt.set(graph.paths.pathOf(x), kept);
  }
  if (!options.skipOutputCheck && addedPaths.some((p) => unbuilt.has(p))) return 'a registered path is an output a derivation already names';
  const { bytes: oldBytes, offsets: oldOffsets, slots: oldSlots } = graph.paths.parts();
  done([oldBytes, oldOffsets, oldSlots]);

  const size = table.size;
  const idOfAdded = new Int32Array(addedPaths.length);
  byPath.forEach((k, rank) => (idOfAdded[k] = addedIds[rank]!));
  const newOfDb = new DbIdIndex(size, range.min, range.max);
  for (let i = 0; i < n; i++) if (newOf[i] !== -1) newOfDb.set(graph.dbIds[i]!, newOf[i]!);
  delta.added.forEach((r, k) => newOfDb.set(r[0], idOfAdded[k]!));
  const idOfDb = (dbId: number): number => newOfDb.get(dbId);

  const dbIds = new Float64Array(size);
  const narSize = new Float64Array(size);
  const registrationTime = new Float64Array(size);
  const isDrv = new Uint8Array(size);
  const deriver = new Int32Array(size);
  for (let i = 0; i < n; i++) {
    const j = newOf[i]!;
    if (j === -1) continue;
    dbIds[j] = graph.dbIds[i]!;
    narSize[j] = graph.narSize[i]!;
    registrationTime[j] = graph.registrationTime[i]!;
    isDrv[j] = graph.isDrv[i]!;
    const d = graph.deriver[i]!;
    deriver[j] = d === -1 ? -1 : newOf[d]!;
  }
  done([graph.narSize, graph.registrationTime, graph.isDrv, graph.deriver]);
  for (const [dbId, size] of delta.narSizes) {
    const j = idOfDb(dbId);
    if (j !== -1) narSize[j] = size;
  }
  delta.added.forEach(([dbId, , drvText, size, regTime], k) => {
    const j = idOfAdded[k]!;
    dbIds[j] = dbId;
    narSize[j] = size ?? Number.NaN;
    registrationTime[j] = regTime;
    if (isDerivation(addedPaths[k]!)) isDrv[j] = 1;
    deriver[j] = drvText ? table.idOf(fromText(drvText)) : -1;
  });
  if (delta.added.length > 0 && !options.skipDeriverScan) {
    // A kept path whose deriver column names a path registered now (never valid, or deleted and back).
    const addedOfText = new Map<string, number>();
    delta.added.forEach((r, k) => addedOfText.set(r[1], idOfAdded[k]!));
    const { ids, derivers } = delta.derivers();
    for (let k = 0; k < ids.length; k++) {
      const text = derivers.at(k);
      if (!text) continue;
      const to = addedOfText.get(text);
      const j = idOfDb(ids[k]!);
      if (to !== undefined && j !== -1 && ids[k]! <= watermark) deriver[j] = to;
    }
  }

  // New edges: Refs of registered paths (in rowid order, as their rows), outputs of registered derivations.
  const newRefs: number[] = [];
  for (const [, from, to] of delta.refs) {
    const a = idOfDb(from);
    const b = idOfDb(to);
    if (a === -1 || b === -1 || a === b) continue;
    newRefs.push(a, b);
  }
  const outputRows = [...delta.outputs].sort((x, y) => x[1] - y[1] || compareCodePoints(x[2], y[2]));
  const newOutputs: number[] = [];
  for (const [, drvDbId, , outPath] of outputRows) {
    const drv = idOfDb(drvDbId);
    if (drv === -1) continue;
    const p = fromText(outPath);
    const out = table.idOf(p);
    if (out !== -1) newOutputs.push(drv, out);
    else (unbuilt.get(p) ?? unbuilt.set(p, []).get(p)!).push(drv);
  }
  for (const list of unbuilt.values()) list.sort((x, y) => x - y);
  const oldOf = new Int32Array(size).fill(-1);
  for (let i = 0; i < n; i++) if (newOf[i] !== -1) oldOf[newOf[i]!] = i;
  done([graph.dbIds]);
  const edges = (csr: Csr, extra: readonly number[], reverse: boolean): Csr => {
    const out = renumber(csr, newOf, oldOf, extra, reverse, options.by);
    done([csr.start, csr.list]);
    return out;
  };

  return {
    storeDir: graph.storeDir,
    paths: table,
    isDrv,
    dbIds,
    narSize,
    registrationTime,
    deriver,
    references: edges(graph.references, newRefs, false),
    referrers: edges(graph.referrers, newRefs, true),
    outputs: edges(graph.outputs, newOutputs, false),
    derivers: edges(graph.derivers, newOutputs, true),
    unbuiltOutputDerivers: unbuilt,
  };
}

/**
 * `csr` over the new ids, in one pass in new-id order: each kept row renumbered (edges to
 * deleted paths dropped), then the `extra` edges (pairs from, to; reversed when `reverse`)
 * appended to their rows in order; reversed rows are kept sorted, as `buildGraph` sorts them.
 * The native helper runs the same loop where it loads (native/renumber.c).
 */
function renumber(csr: Csr, newOf: Int32Array, oldOf: Int32Array, extra: readonly number[], reverse: boolean, by?: By): Csr {
  const size = oldOf.length;
  const source = reverse ? 1 : 0;
  // The extra edges by row (few: those of the paths registered since).
  const extraStart = new Uint32Array(size + 1);
  for (let e = 0; e < extra.length; e += 2) extraStart[extra[e + source]! + 1]!++;
  for (let j = 0; j < size; j++) extraStart[j + 1]! += extraStart[j]!;
  const extraList = new Int32Array(extra.length / 2);
  const fill = extraStart.slice(0, size);
  for (let e = 0; e < extra.length; e += 2) extraList[fill[extra[e + source]!]!++] = extra[e + 1 - source]!;
  const start = new Uint32Array(size + 1);
  const list = new Int32Array(csr.list.length + extraList.length);
  const helper = helperBy(by);
  if (helper?.renumberCsr !== undefined) {
    const written = helper.renumberCsr(csr.start, csr.list, newOf, oldOf, extraStart, extraList, reverse, start, list);
    return { start, list: list.subarray(0, written) };
  }
  let at = 0;
  for (let j = 0; j < size; j++) {
    const rowFrom = at;
    const i = oldOf[j]!;
    if (i !== -1) {
      const end = csr.start[i + 1]!;
      for (let k = csr.start[i]!; k < end; k++) {
        const to = newOf[csr.list[k]!]!;
        if (to !== -1) list[at++] = to;
      }
    }
    const e0 = extraStart[j]!;
    const e1 = extraStart[j + 1]!;
    if (e1 > e0) {
      for (let e = e0; e < e1; e++) list[at++] = extraList[e]!;
      if (reverse) list.subarray(rowFrom, at).sort();
    }
    start[j + 1] = at;
  }
  return { start, list: list.subarray(0, at) };
}

/** UTF-8 byte order of two JS strings (= code point order), as SQLite's binary collation orders output names. */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
