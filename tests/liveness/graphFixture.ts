/** Builds a StoreGraph in memory (no DB) for the pure liveness tests. */
import { buildCsr, sortRows } from '../../src/graph/csr.js';
import type { StoreGraph } from '../../src/graph/storeGraph.js';
import { PathTable } from '../../src/graph/pathTable.js';

export const S = '/s/store';
let counter = 0;

/** A store path with a fresh hash part; `name` may end in `.drv`. */
export function sp(name: string): string {
  counter++;
  return `${S}/${String(counter).padStart(32, '0')}-${name}`;
}

export interface ValidSpec {
  refs?: string[];
  deriver?: string;
  /** For a .drv: output paths in output-name order (valid or not). */
  outputs?: string[];
}

export function graphOf(valid: Record<string, ValidSpec>): StoreGraph {
  const paths = Object.keys(valid).sort();
  const { table } = PathTable.build(`${S}/`, paths);
  const idOf = new Map(paths.map((p, i) => [p, i]));
  const n = paths.length;
  const edges = (pairs: [number, number][]) => buildCsr(n, Int32Array.from(pairs.map((e) => e[0])), Int32Array.from(pairs.map((e) => e[1])), pairs.length);
  const refs: [number, number][] = [];
  const outs: [number, number][] = [];
  const unbuilt = new Map<string, number[]>();
  for (const [p, spec] of Object.entries(valid)) {
    const id = idOf.get(p)!;
    for (const r of spec.refs ?? []) if (r !== p) refs.push([id, idOf.get(r)!]);
    for (const o of spec.outputs ?? []) {
      const oid = idOf.get(o);
      if (oid === undefined) unbuilt.set(o, [...(unbuilt.get(o) ?? []), id]);
      else outs.push([id, oid]);
    }
  }
  return {
    storeDir: S,
    paths: table,
    isDrv: Uint8Array.from(paths, (p) => (p.endsWith('.drv') ? 1 : 0)),
    dbIds: Float64Array.from(paths, (_, i) => i + 1),
    narSize: new Float64Array(n).fill(100),
    registrationTime: new Float64Array(n),
    deriver: Int32Array.from(paths.map((p) => idOf.get(valid[p]!.deriver ?? '') ?? -1)),
    references: edges(refs),
    referrers: sortRows(edges(refs.map(([a, b]) => [b, a]))),
    outputs: edges(outs),
    derivers: sortRows(edges(outs.map(([a, b]) => [b, a]))),
    unbuiltOutputDerivers: unbuilt,
  };
}
