import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/graph/csr.js';
import { dominatorTree } from '../../src/insight/dominators.js';
import { createRng } from '../support/prng.js';

function graph(n: number, edges: [number, number][]) {
  return buildCsr(n, Int32Array.from(edges, (e) => e[0]), Int32Array.from(edges, (e) => e[1]), edges.length);
}

/** Dominators by definition: d dominates v iff v is unreachable from the root once d is removed. */
function bruteDominators(n: number, edges: [number, number][], root: number): (Set<number> | null)[] {
  const reach = (removed: number): boolean[] => {
    const seen = new Array<boolean>(n).fill(false);
    if (removed === root) return seen;
    const stack = [root];
    seen[root] = true;
    while (stack.length > 0) {
      const v = stack.pop()!;
      for (const [a, b] of edges) if (a === v && b !== removed && !seen[b]) { seen[b] = true; stack.push(b); }
    }
    return seen;
  };
  const all = reach(-1);
  const doms = all.map((r, v) => (r ? new Set<number>([v]) : null));
  for (let d = 0; d < n; d++) {
    const r = reach(d);
    for (let v = 0; v < n; v++) if (all[v] && !r[v] && v !== d) doms[v]!.add(d);
  }
  return doms;
}

describe('dominatorTree', () => {
  it('finds the immediate dominators of a diamond with a tail', () => {
    const edges: [number, number][] = [[0, 1], [0, 2], [1, 3], [2, 3], [3, 4], [1, 5]];
    const { idom } = dominatorTree(graph(7, edges), 0);
    expect([...idom]).toEqual([0, 0, 0, 0, 3, 1, -1]);
  });

  it('agrees with the definition on random graphs, cycles included', () => {
    const rng = createRng(7);
    for (let round = 0; round < 200; round++) {
      const n = rng.int(1, 14);
      const edges: [number, number][] = [];
      for (let i = rng.int(0, n * 3); i > 0; i--) edges.push([rng.int(0, n - 1), rng.int(0, n - 1)]);
      const { idom, preorder } = dominatorTree(graph(n, edges), 0);
      const brute = bruteDominators(n, edges, 0);
      for (let v = 0; v < n; v++) {
        if (brute[v] === null) {
          expect(idom[v]).toBe(-1);
          continue;
        }
        const chain = new Set<number>([v]);
        for (let x = v; x !== 0; x = idom[x]!) chain.add(idom[x]!);
        expect([...chain].sort(), `round ${round} node ${v}`).toEqual([...brute[v]!].sort());
      }
      const position = new Map([...preorder].map((v, i) => [v, i]));
      for (const v of preorder) if (v !== 0) expect(position.get(idom[v]!)!).toBeLessThan(position.get(v)!);
    }
  });

  it('handles a million-node chain without recursion', () => {
    const n = 1_000_000;
    const from = new Int32Array(n - 1).map((_, i) => i);
    const to = new Int32Array(n - 1).map((_, i) => i + 1);
    const { idom } = dominatorTree(buildCsr(n, from, to, n - 1), 0);
    expect(idom[n - 1]).toBe(n - 2);
  });
});
