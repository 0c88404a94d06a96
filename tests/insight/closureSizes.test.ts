import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/graph/csr.js';
import { closureSizes } from '../../src/insight/closureSizes.js';
import { createRng } from '../support/prng.js';

describe('closureSizes', () => {
  it('agrees with one BFS per start on random graphs with cycles, shared inodes and more than 32 starts', () => {
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
      const nar = Float64Array.from({ length: n }, () => rng.int(0, 1000));
      const own = Float64Array.from({ length: n }, () => rng.int(0, 100));
      const shared = Array.from({ length: rng.int(0, 6) }, () => ({ bytes: rng.int(1, 5000), holders: [...new Set(Array.from({ length: rng.int(1, 4) }, () => rng.int(0, n - 1)))].sort((a, b) => a - b) }));
      const starts = Array.from({ length: rng.int(1, 80) }, () => Array.from({ length: rng.int(0, 3) }, () => rng.int(0, n - 1)));
      const got = closureSizes(succ, n, starts, nar, { own, shared });
      starts.forEach((targets, i) => {
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
          diskBytes += own[x]!;
        }
        for (const inode of shared) if (inode.holders.some((h) => seen.has(h))) diskBytes += inode.bytes;
        expect(got[i], `round ${round} start ${i}`).toEqual({ paths: seen.size, narSize, diskBytes });
      });
    }
  });
});
