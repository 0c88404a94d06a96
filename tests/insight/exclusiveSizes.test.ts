import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/graph/csr.js';
import type { Csr } from '../../src/graph/csr.js';
import { exclusiveSizes } from '../../src/insight/exclusiveSizes.js';
import { orderGraph } from '../../src/insight/graphOrder.js';
import type { DiskUsage, Sizes } from '../../src/insight/rootSizes.js';
import { createRng } from '../support/prng.js';

interface World {
  readonly succ: Csr;
  readonly nodeCount: number;
  readonly rowTargets: Csr;
  readonly groupIndex: Int32Array;
  readonly groupCount: number;
  readonly nar: Float64Array;
  readonly disk: DiskUsage;
}

/**
 * By definition: removing a row (or a group: all its rows) frees the paths the remaining rows
 * no longer reach, and an inode whose holders are all among them.
 */
function freedBy(w: World, removed: (row: number) => boolean): Sizes {
  const valid = w.succ.start.length - 1;
  const reach = (skip: (row: number) => boolean): Uint8Array => {
    const seen = new Uint8Array(w.nodeCount);
    const stack: number[] = [];
    for (let i = 0; i < w.groupIndex.length; i++) {
      if (skip(i)) continue;
      for (let k = w.rowTargets.start[i]!; k < w.rowTargets.start[i + 1]!; k++) stack.push(w.rowTargets.list[k]!);
    }
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (seen[v]) continue;
      seen[v] = 1;
      if (v < valid) for (let k = w.succ.start[v]!; k < w.succ.start[v + 1]!; k++) stack.push(w.succ.list[k]!);
    }
    return seen;
  };
  const before = reach(() => false);
  const after = reach(removed);
  const freed = (v: number): boolean => before[v] === 1 && after[v] === 0;
  let paths = 0;
  let narSize = 0;
  let diskBytes = 0;
  for (let v = 0; v < w.nodeCount; v++) {
    if (!freed(v)) continue;
    paths++;
    narSize += w.nar[v]!;
    diskBytes += w.disk.own[v]!;
  }
  for (const inode of w.disk.shared) if (inode.holders.length > 0 && inode.holders.every(freed)) diskBytes += inode.bytes;
  return { paths, narSize, diskBytes };
}

/** Store-shaped: references mostly to recent paths, some 2-cycles and longer cycles, dead paths. */
function world(seed: number): World {
  const rng = createRng(seed);
  const valid = rng.int(1, 120);
  const nodeCount = valid + rng.int(0, 4);
  const from: number[] = [];
  const to: number[] = [];
  for (let v = 1; v < valid; v++) {
    for (let r = rng.int(0, 3); r > 0; r--) {
      from.push(v);
      to.push(rng.chance(0.7) ? v - rng.int(1, Math.min(v, 8)) : rng.int(0, v - 1));
    }
    if (rng.chance(0.15)) {
      from.push(rng.int(0, v - 1));
      to.push(v);
    }
    if (nodeCount > valid && rng.chance(0.05)) {
      from.push(v);
      to.push(rng.int(valid, nodeCount - 1));
    }
  }
  const succ = buildCsr(valid, Int32Array.from(from), Int32Array.from(to), from.length);
  const groupCount = rng.int(1, 6);
  const rows = rng.int(1, 25);
  const groupIndex = Int32Array.from({ length: rows }, () => rng.int(0, groupCount - 1));
  const targets = Array.from({ length: rows }, () => (rng.chance(0.8) ? [rng.int(0, nodeCount - 1)] : Array.from({ length: rng.int(0, 3) }, () => rng.int(0, nodeCount - 1))));
  const start = new Uint32Array(rows + 1);
  targets.forEach((t, i) => {
    start[i + 1] = start[i]! + t.length;
  });
  const nar = Float64Array.from({ length: nodeCount }, () => rng.int(0, 1000));
  const own = Float64Array.from({ length: nodeCount }, () => rng.int(0, 100));
  const shared = Array.from({ length: rng.int(0, 8) }, () => ({ bytes: rng.int(1, 5000), holders: [...new Set(Array.from({ length: rng.int(1, 4) }, () => rng.int(0, nodeCount - 1)))].sort((a, b) => a - b) }));
  return { succ, nodeCount, rowTargets: { start, list: Int32Array.from(targets.flat()) }, groupIndex, groupCount, nar, disk: { own, shared } };
}

describe('exclusiveSizes', () => {
  it('is what removing one row, or one group, frees: random store-shaped graphs with cycles, dead paths and shared inodes', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const w = world(seed);
      const got = exclusiveSizes({ ...w, order: orderGraph(w.succ, w.nodeCount) }, w.disk);
      got.rows.forEach((sizes, i) => expect(sizes, `seed ${seed} row ${i}`).toEqual(freedBy(w, (row) => row === i)));
      got.groups.forEach((sizes, g) => expect(sizes, `seed ${seed} group ${g}`).toEqual(freedBy(w, (row) => w.groupIndex[row] === g)));
    }
  });
});
