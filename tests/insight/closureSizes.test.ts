import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/graph/csr.js';
import type { Csr } from '../../src/graph/csr.js';
import { closureOrder } from '../../src/insight/closureOrder.js';
import { closureSizes } from '../../src/insight/closureSizes.js';
import type { DiskUsage, Sizes } from '../../src/insight/rootSizes.js';
import { createRng } from '../support/prng.js';
import type { Rng } from '../support/prng.js';

/** One BFS per start: the definition closureSizes must meet. */
function bfsSizes(succ: Csr, starts: readonly (readonly number[])[], nar: Float64Array, disk: DiskUsage): Sizes[] {
  const valid = succ.start.length - 1;
  return starts.map((targets) => {
    const seen = new Set<number>(targets);
    const queue = [...seen];
    for (let q = 0; q < queue.length; q++) {
      const x = queue[q]!;
      if (x >= valid) continue;
      for (let k = succ.start[x]!; k < succ.start[x + 1]!; k++) {
        const y = succ.list[k]!;
        if (!seen.has(y)) {
          seen.add(y);
          queue.push(y);
        }
      }
    }
    let narSize = 0;
    let diskBytes = 0;
    for (const x of seen) {
      narSize += nar[x]!;
      diskBytes += disk.own[x]!;
    }
    for (const inode of disk.shared) if (inode.holders.some((h) => seen.has(h))) diskBytes += inode.bytes;
    return { paths: seen.size, narSize, diskBytes };
  });
}

function weights(rng: Rng, n: number, sharedCount: number): { nar: Float64Array; disk: DiskUsage } {
  const nar = Float64Array.from({ length: n }, () => rng.int(0, 1000));
  const own = Float64Array.from({ length: n }, () => rng.int(0, 100));
  const shared = Array.from({ length: sharedCount }, () => ({ bytes: rng.int(1, 5000), holders: [...new Set(Array.from({ length: rng.int(1, 4) }, () => rng.int(0, n - 1)))].sort((a, b) => a - b) }));
  return { nar, disk: { own, shared } };
}

/**
 * A store-shaped graph: paths refer to paths built before them, mostly recent ones (closures
 * nest and overlap, as in Nix stores and the benchmark's), with `.drv`-like pairs that keep each
 * other (keep-outputs and keep-derivations close 2-cycles) and a few longer cycles.
 */
function storeShaped(rng: Rng, valid: number, n: number): Csr {
  const from: number[] = [];
  const to: number[] = [];
  const edge = (a: number, b: number): void => {
    if (a !== b && !from.some((f, k) => f === a && to[k] === b)) {
      from.push(a);
      to.push(b);
    }
  };
  for (let i = 1; i < valid; i++) {
    for (let r = Math.min(i, rng.int(0, 4)); r > 0; r--) edge(i, rng.chance(0.7) ? i - rng.int(1, Math.min(i, 12)) : rng.int(0, i - 1));
    if (rng.chance(0.1) && i + 1 < valid) {
      edge(i, i + 1);
      edge(i + 1, i);
    }
    if (rng.chance(0.02)) edge(rng.int(0, i - 1), i);
    if (rng.chance(0.02)) edge(i, rng.int(valid, n - 1));
  }
  return buildCsr(valid, Int32Array.from(from), Int32Array.from(to), from.length);
}

describe('closureSizes', () => {
  it('agrees with one BFS per start on random graphs with cycles, shared inodes and many starts', () => {
    const rng = createRng(11);
    for (let round = 0; round < 30; round++) {
      const valid = rng.int(1, 60);
      const n = valid + rng.int(0, 5); // nodes past the CSR have no edges (unregistered entries)
      const from: number[] = [];
      const to: number[] = [];
      for (let i = rng.int(0, valid * 3); i > 0; i--) {
        from.push(rng.int(0, valid - 1));
        to.push(rng.int(0, n - 1));
      }
      const succ = buildCsr(valid, Int32Array.from(from), Int32Array.from(to), from.length);
      const { nar, disk } = weights(rng, n, rng.int(0, 6));
      const starts = Array.from({ length: rng.int(1, 80) }, () => Array.from({ length: rng.int(0, 3) }, () => rng.int(0, n - 1)));
      expect(closureSizes(succ, n, starts, nar, disk), `round ${round}`).toEqual(bfsSizes(succ, starts, nar, disk));
    }
  });

  it('agrees with one BFS per start on store-shaped graphs: nested closures, 2-cycles, repeated and overlapping starts', () => {
    const rng = createRng(29);
    for (let round = 0; round < 6; round++) {
      const valid = rng.int(200, 1500);
      const n = valid + rng.int(1, 20);
      const succ = storeShaped(rng, valid, n);
      const { nar, disk } = weights(rng, n, rng.int(0, 40));
      const rows = Array.from({ length: rng.int(50, 600) }, () => (rng.chance(0.9) ? [rng.int(0, n - 1)] : Array.from({ length: rng.int(0, 4) }, () => rng.int(0, n - 1))));
      // Groups: unions of rows, as computeRootSizes asks for them (duplicates included).
      const groups = Array.from({ length: rng.int(1, 10) }, () => rng.sample(rows, rng.int(1, 60)).flat());
      const starts = [...rows, ...groups, ...rows.slice(0, 5)];
      expect(closureSizes(succ, n, starts, nar, disk), `round ${round}`).toEqual(bfsSizes(succ, starts, nar, disk));
    }
  });

  it('measures each node the starts reach once, after every child of higher rank', () => {
    const rng = createRng(5);
    const valid = 400;
    const succ = storeShaped(rng, valid, valid + 3);
    const starts = Array.from({ length: 100 }, () => [rng.int(0, valid - 1)]);
    const order = closureOrder(succ, valid + 3, { start: Uint32Array.from({ length: starts.length + 1 }, (_, i) => i), list: Int32Array.from(starts.flat()) });
    // Replay the readiness counts: every reached node becomes ready exactly once.
    const waiting = order.waiting.slice();
    const ready = [...order.first];
    const seen = new Set<number>();
    for (let q = 0; q < ready.length; q++) {
      const v = ready[q]!;
      expect(seen.has(v)).toBe(false);
      seen.add(v);
      for (let k = order.waiters.start[v]!; k < order.waiters.start[v + 1]!; k++) {
        const p = order.waiters.list[k]!;
        if (--waiting[p]! === 0) ready.push(p);
      }
    }
    const reached = [...order.waiting.keys()].filter((v) => order.waiting[v] !== -1);
    expect([...seen].sort((a, b) => a - b)).toEqual(reached);
  });
});
