import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/graph/csr.js';
import { extendOrder, orderGraph } from '../../src/insight/graphOrder.js';
import { createRng } from '../support/prng.js';

describe('orderGraph', () => {
  it('ranks every node once, edges upward except inside a cycle, and finds the strongly connected components', () => {
    const rng = createRng(17);
    for (let round = 0; round < 200; round++) {
      const valid = rng.int(1, 40);
      const n = valid + rng.int(0, 3);
      const edges = Array.from({ length: rng.int(0, valid * 3) }, () => [rng.int(0, valid - 1), rng.int(0, n - 1)] as const);
      const succ = buildCsr(valid, Int32Array.from(edges, (e) => e[0]), Int32Array.from(edges, (e) => e[1]), edges.length);
      const { rank, component, componentCount } = orderGraph(succ, n);
      expect([...rank].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      // Reachability by brute force: same component iff each reaches the other.
      const reaches = Array.from({ length: n }, (_, s) => {
        const seen = new Set([s]);
        const stack = [s];
        while (stack.length > 0) {
          const v = stack.pop()!;
          for (const [a, b] of edges) if (a === v && !seen.has(b)) { seen.add(b); stack.push(b); }
        }
        return seen;
      });
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) expect(component[a] === component[b], `round ${round}: ${a} ${b}`).toBe(reaches[a]!.has(b) && reaches[b]!.has(a));
      }
      expect(new Set(component).size).toBe(componentCount);
      for (const [a, b] of edges) if (component[a] !== component[b]) expect(rank[a]!).toBeLessThan(rank[b]!);
      // A component ranks above all its parents outside it.
      for (const [a, b] of edges) {
        if (component[a] === component[b]) continue;
        for (let m = 0; m < n; m++) if (component[m] === component[b]) expect(rank[a]!).toBeLessThan(rank[m]!);
      }
    }
  });

  it('extendOrder gives what orderGraph gives over more nodes, when no edge leads past the rows', () => {
    const rng = createRng(29);
    for (let round = 0; round < 300; round++) {
      const valid = rng.int(1, 40);
      const n = valid + rng.int(0, 5);
      const past = rng.int(0, 3) === 0;
      const edges = Array.from({ length: rng.int(0, valid * 3) }, () => [rng.int(0, valid - 1), rng.int(0, (past ? n : valid) - 1)] as const);
      const succ = buildCsr(valid, Int32Array.from(edges, (e) => e[0]), Int32Array.from(edges, (e) => e[1]), edges.length);
      const extended = extendOrder(orderGraph(succ, valid), succ, n);
      if (edges.some((e) => e[1] >= valid)) {
        expect(extended).toBeUndefined();
        continue;
      }
      const direct = orderGraph(succ, n);
      expect({ rank: [...extended!.rank], component: [...extended!.component], count: extended!.componentCount })
        .toEqual({ rank: [...direct.rank], component: [...direct.component], count: direct.componentCount });
    }
  });
});
