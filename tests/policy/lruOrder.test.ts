import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/graph/csr.js';
import { lastUseOf, lruOrder } from '../../src/policy/lruOrder.js';

/** A random DAG over n positions (edges from referrer to reference) with small times, so ties happen. */
const dag = fc.integer({ min: 0, max: 24 }).chain((n) => fc.record({
  times: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: n, maxLength: n }),
  // A hidden topological rank per position: edges go from lower to higher rank, so no cycle.
  rank: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
  edges: fc.array(fc.tuple(fc.nat(Math.max(0, n - 1)), fc.nat(Math.max(0, n - 1))), { maxLength: 3 * n }),
})).map(({ times, rank, edges }) => {
  const n = times.length;
  const pairs = n === 0 ? [] : edges.filter(([a, b]) => rank[a]! < rank[b]!);
  return { n, times: Float64Array.from(times), pairs };
});

const csrOf = (n: number, pairs: readonly (readonly [number, number])[]) =>
  buildCsr(n, Int32Array.from(pairs.map((e) => e[0])), Int32Array.from(pairs.map((e) => e[1])), pairs.length);

describe('lruOrder', () => {
  it('is a topological order (referrers first) that takes the eligible path used longest ago, ties in Nix order', () => {
    fc.assert(fc.property(dag, ({ n, times, pairs }) => {
      const { order, effective } = lruOrder(times, csrOf(n, pairs));
      expect([...order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      const at = new Int32Array(n);
      order.forEach((p, i) => (at[p] = i));
      for (const [a, b] of pairs) expect(at[a]).toBeLessThan(at[b]!);

      // Effective last use: the later of its own and its referrers' (computed here independently).
      const referrers = (p: number): number[] => pairs.filter(([, b]) => b === p).map(([a]) => a);
      const memo = new Map<number, number>();
      const eff = (p: number): number => memo.get(p) ?? memo.set(p, Math.max(times[p]!, ...referrers(p).map(eff))).get(p)!;
      for (let p = 0; p < n; p++) expect(effective[p]).toBe(eff(p));

      // Greedy: each step's path has the least (effective last use, position) among the eligible.
      const deleted = new Set<number>();
      for (const p of order) {
        const eligible = [...Array(n).keys()].filter((q) => !deleted.has(q) && referrers(q).every((r) => deleted.has(r)));
        const best = eligible.reduce((x, y) => (eff(y) < eff(x) || (eff(y) === eff(x) && y < x) ? y : x));
        expect(p).toBe(best);
        deleted.add(p);
      }
    }), { numRuns: 300 });
  });

  it('without references is a sort by last use, Nix order breaking ties', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 40 }), (t) => {
      const { order } = lruOrder(Float64Array.from(t), csrOf(t.length, []));
      const expected = [...t.keys()].sort((a, b) => t[a]! - t[b]! || a - b);
      expect([...order]).toEqual(expected);
    }));
  });

  it('a referrer used recently makes its old references wait for it, and count as used then', () => {
    // 0 (new app) -> 1 (old lib); 2 (middle-aged, unrelated).
    const { order, effective } = lruOrder(Float64Array.from([300, 100, 200]), csrOf(3, [[0, 1]]));
    expect([...order]).toEqual([2, 0, 1]);
    expect([...effective]).toEqual([300, 300, 200]);
  });

  it('ignores self-references and refuses a cycle', () => {
    expect([...lruOrder(Float64Array.from([2, 1]), csrOf(2, [[0, 0]])).order]).toEqual([1, 0]);
    expect(() => lruOrder(Float64Array.from([1, 2]), csrOf(2, [[0, 1], [1, 0]]))).toThrow(/cycle/);
  });
});

describe('lastUseOf', () => {
  const reg = 1_600_000_000;
  it('takes the newest access time the file system records, else the registration time', () => {
    // Nix sets every store file's mtime to 1: any real access time is later.
    expect(lastUseOf([{ atime: 1_700_000_000, mtime: 1 }], reg)).toBe(1_700_000_000);
    expect(lastUseOf([{ atime: 1_700_000_000, mtime: 1 }, { atime: 1_700_000_500, mtime: 1 }, { atime: 1, mtime: 1 }], reg)).toBe(1_700_000_500);
    // Not recorded: 0, or not after the mtime (noatime mounts, clamped images).
    expect(lastUseOf([{ atime: 0, mtime: 0 }], reg)).toBe(reg);
    expect(lastUseOf([{ atime: 1, mtime: 1 }], reg)).toBe(reg);
    expect(lastUseOf([{ atime: 5, mtime: 9 }], reg)).toBe(reg);
    // Missing on disk, or a directory without files: registration time; unregistered too: the oldest of all.
    expect(lastUseOf([], reg)).toBe(reg);
    expect(lastUseOf([], undefined)).toBe(0);
    expect(lastUseOf([{ atime: 1_700_000_000, mtime: 1 }], undefined)).toBe(1_700_000_000);
  });
});
