import { describe, expect, it } from 'vitest';
import { rowOf } from '../../src/graph/csr.js';
import { EDGE_NAMES, buildKeepEdges, reverseKeepEdges } from '../../src/graph/keepEdges.js';
import type { KeepEdges } from '../../src/graph/keepEdges.js';
import type { StoreGraph } from '../../src/graph/storeGraph.js';
import { graphOf, sp } from '../liveness/graphFixture.js';

/** Edges as "from -> to (kind)" lines by path, for readable comparisons. */
function lines(graph: StoreGraph, edges: KeepEdges): string[] {
  const out: string[] = [];
  const { start, list } = edges.csr;
  for (let q = 0; q + 1 < start.length; q++) {
    for (let k = start[q]!; k < start[q + 1]!; k++) out.push(`${graph.paths.pathOf(q)} -> ${graph.paths.pathOf(list[k]!)} (${EDGE_NAMES[edges.kind[k]!]})`);
  }
  return out.sort();
}

describe('keep edges (reference §7.2)', () => {
  const drv = sp('x.drv');
  const out = sp('x');
  const dev = sp('x-dev');
  const lib = sp('lib');
  const notDrv = sp('not-a-drv');
  const other = sp('other');
  const graph = graphOf({
    [drv]: { outputs: [out, dev, sp('unbuilt')], refs: [lib] },
    [out]: { deriver: drv, refs: [lib, out] },
    [dev]: { deriver: drv, refs: [out] },
    [lib]: { deriver: sp('invalid.drv') },
    // DerivationOutputs rows on a path that is not a .drv: keep-outputs does not follow them.
    [notDrv]: { outputs: [other] },
    [other]: {},
  });

  it('has references only when both keep-* are off, self-references dropped', () => {
    expect(lines(graph, buildKeepEdges(graph, { keepOutputs: false, keepDerivations: false }))).toEqual([
      `${dev} -> ${out} (reference)`, `${drv} -> ${lib} (reference)`, `${out} -> ${lib} (reference)`,
    ].sort());
  });

  it('adds valid outputs of derivations with keep-outputs and valid derivers with keep-derivations', () => {
    expect(lines(graph, buildKeepEdges(graph, { keepOutputs: true, keepDerivations: true }))).toEqual([
      `${dev} -> ${out} (reference)`, `${dev} -> ${drv} (keep-derivations)`,
      `${drv} -> ${lib} (reference)`, `${drv} -> ${out} (keep-outputs)`, `${drv} -> ${dev} (keep-outputs)`,
      `${out} -> ${lib} (reference)`, `${out} -> ${drv} (keep-derivations)`,
    ].sort());
  });

  it('keeps one edge per pair, labelled with the first kind (reference before keep-*)', () => {
    const d = sp('y.drv');
    const o = sp('y');
    const g = graphOf({ [d]: { outputs: [o], refs: [o] }, [o]: { deriver: d } });
    expect(lines(g, buildKeepEdges(g, { keepOutputs: true, keepDerivations: false }))).toEqual([`${d} -> ${o} (reference)`]);
  });

  it('reverses every edge with its kind', () => {
    const edges = buildKeepEdges(graph, { keepOutputs: true, keepDerivations: true });
    const rev = reverseKeepEdges(edges);
    const back: string[] = [];
    for (let q = 0; q < graph.paths.size; q++) {
      const row = rowOf(rev.csr, q);
      row.forEach((from, i) => back.push(`${graph.paths.pathOf(from)} -> ${graph.paths.pathOf(q)} (${EDGE_NAMES[rev.kind[rev.csr.start[q]! + i]!]})`));
    }
    expect(back.sort()).toEqual(lines(graph, edges));
  });
});
