/**
 * Differences between two StoreGraphs, as lines (none when equal): what `storegc index verify`
 * reports for the graph cache and what its property test asserts.
 */
import type { Csr } from '../csr.js';
import type { StoreGraph } from '../storeGraph.js';

const MAX_LINES = 20;

export function graphDifferences(cached: StoreGraph, full: StoreGraph): string[] {
  const out: string[] = [];
  const n = full.paths.size;
  if (cached.paths.size !== n) return [`${cached.paths.size} paths in the cache, ${n} in the database`];
  for (let id = 0; id < n && out.length < MAX_LINES; id++) {
    const path = full.paths.pathOf(id);
    if (cached.paths.pathOf(id) !== path) {
      out.push(`path ${id}: '${cached.paths.pathOf(id)}' in the cache, '${path}' in the database`);
      continue;
    }
    for (const [name, a, b] of [
      ['ValidPaths.id', cached.dbIds[id], full.dbIds[id]],
      ['narSize', cached.narSize[id], full.narSize[id]],
      ['registrationTime', cached.registrationTime[id], full.registrationTime[id]],
      ['deriver', cached.deriver[id], full.deriver[id]],
      ['isDrv', cached.isDrv[id], full.isDrv[id]],
    ] as const) {
      if (!Object.is(a, b)) out.push(`${path}: ${name} ${a} in the cache, ${b} in the database`);
    }
  }
  for (const name of ['references', 'referrers', 'outputs', 'derivers'] as const) {
    if (out.length < MAX_LINES && !sameCsr(cached[name], full[name])) out.push(`${name} differ`);
  }
  const a = [...cached.unbuiltOutputDerivers].sort();
  const b = [...full.unbuiltOutputDerivers].sort();
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push('unbuilt output derivers differ');
  return out;
}

function sameCsr(a: Csr, b: Csr): boolean {
  return Buffer.from(a.start.buffer, a.start.byteOffset, a.start.byteLength).equals(Buffer.from(b.start.buffer, b.start.byteOffset, b.start.byteLength))
    && Buffer.from(a.list.buffer, a.list.byteOffset, a.list.byteLength).equals(Buffer.from(b.list.buffer, b.list.byteOffset, b.list.byteLength));
}
