import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowOf } from '../../src/graph/csr.js';
import { EDGE_NAMES, buildKeepEdges, keepClosure, reverseKeepEdges } from '../../src/graph/keepEdges.js';
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

describe('keepClosure: the forward walk liveness and the collector share', () => {
  /** A random store: n paths, some .drv, references, derivers, outputs (some unbuilt). */
  const stores = fc.integer({ min: 1, max: 14 }).chain((n) => fc.record({
    n: fc.constant(n),
    drv: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    refs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }),
    derivers: fc.array(fc.option(fc.nat(n - 1)), { minLength: n, maxLength: n }),
    outputs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n + 2)), { maxLength: 2 * n }),
    keepOutputs: fc.boolean(),
    keepDerivations: fc.boolean(),
    starts: fc.array(fc.nat(n + 1), { minLength: 1, maxLength: 4 }),
  }));

  it('marks exactly what a search over the keep-* CSR reaches, each start and all starts so far', () => {
    fc.assert(fc.property(stores, (s) => {
      const names = Array.from({ length: s.n }, (_, i) => sp(s.drv[i] ? `p${i}.drv` : `p${i}`));
      const extra = [sp('unbuilt-a'), sp('unbuilt-b'), sp('unbuilt-c')];
      const spec: Record<string, { refs: string[]; deriver?: string; outputs: string[] }> = {};
      names.forEach((p, i) => (spec[p] = { refs: [], outputs: [], ...(s.derivers[i] === null ? {} : { deriver: names[s.derivers[i]!]! }) }));
      for (const [a, b] of s.refs) spec[names[a]!]!.refs.push(names[b]!);
      for (const [d, o] of s.outputs) spec[names[d]!]!.outputs.push(o < s.n ? names[o]! : extra[o - s.n]!);
      const graph = graphOf(spec);
      const options = { keepOutputs: s.keepOutputs, keepDerivations: s.keepDerivations };
      const csr = buildKeepEdges(graph, options).csr;
      // Node ids past the graph's paths stand for entries that are not valid paths: no edges.
      const size = graph.paths.size + 2;
      const marks = new Uint8Array(size);
      const close = keepClosure(graph, options, marks, 2, 3);
      const expected = new Uint8Array(size);
      for (const start of s.starts) {
        close(start);
        const todo = [start];
        expected[start] = 1;
        while (todo.length > 0) {
          const q = todo.pop()!;
          if (q >= graph.paths.size) continue;
          for (const x of rowOf(csr, q)) if (!expected[x]) todo.push(x), (expected[x] = 1);
        }
        expect(Array.from(marks, (m) => (m === 3 ? 1 : m))).toEqual(Array.from(expected));
      }
    }), { numRuns: 300 });
  });

  it('enters no node marked with the stop bit, and refuses bits that would not stop it', () => {
    const [a, b, c] = [sp('a'), sp('b'), sp('c')];
    const graph = graphOf({ [a]: { refs: [b] }, [b]: { refs: [c] }, [c]: {} });
    const marks = new Uint8Array(3);
    const id = (p: string): number => graph.paths.idOf(p);
    marks[id(b)] = 2;
    const close = keepClosure(graph, { keepOutputs: false, keepDerivations: false }, marks, 2, 3);
    close(id(b));
    expect([marks[id(a)], marks[id(b)], marks[id(c)]]).toEqual([0, 2, 0]);
    close(id(a));
    expect([marks[id(a)], marks[id(b)], marks[id(c)]]).toEqual([3, 2, 0]);
    expect(() => keepClosure(graph, { keepOutputs: false, keepDerivations: false }, marks, 2, 1)).toThrow(/stop bit/);
  });
});
