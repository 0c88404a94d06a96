import { describe, expect, it } from 'vitest';
import { sizeOrder } from '../../src/insight/sizeOrder.js';
import type { SizeSort } from '../../src/insight/sizeOrder.js';
import { createRng } from '../support/prng.js';

describe('sizeOrder', () => {
  it('lists rows larger first by the sort key, ties in link order, as a stable sort of row objects does', () => {
    const rng = createRng(53);
    for (let round = 0; round < 400; round++) {
      const n = rng.int(0, round % 10 === 0 ? 300 : 30);
      const rank = Int32Array.from(rng.shuffle([...Array(n).keys()]));
      // Few distinct values: ties are the common case (a Hydra store's roots are mostly alike).
      // Each radix digit of a value below 2^53 in play now and then; a fraction now and then (the comparator's case).
      const wide = [2 ** 14 - 1, 2 ** 14, 2 ** 26 - 1, 2 ** 26, 2 ** 27 + 5, 2 ** 40 + 3, 2 ** 53 - 1, rng.int(0, 2 ** 53 - 1), rng.int(0, 2 ** 30)];
      const values = [0, 1, 2, 4096, 2 ** 40, ...(round % 3 === 0 ? wide : []), ...(round % 50 === 1 ? [0.5] : [])];
      const column = () => Float64Array.from({ length: 3 * n }, () => rng.pick(values));
      const exclusive = column();
      const closure = column();
      const ages = Float64Array.from({ length: n }, () => rng.pick([Number.NaN, 0, 60, 86_400]));
      const sort = rng.pick<SizeSort>(['exclusive', 'closure', 'age', 'link']);
      // The oracle: objects in link order, sorted stably by the key alone.
      const rows = [...Array(n).keys()].sort((a, b) => rank[a]! - rank[b]!).map((i) => ({
        i, ex: [exclusive[3 * i + 2]!, exclusive[3 * i + 1]!], cl: [closure[3 * i + 2]!, closure[3 * i + 1]!], age: Number.isNaN(ages[i]!) ? null : ages[i]!,
      }));
      const bySize = (a: number[], b: number[]): number => b[0]! - a[0]! || b[1]! - a[1]!;
      const key = { exclusive: (a: typeof rows[0], b: typeof rows[0]) => bySize(a.ex, b.ex), closure: (a: typeof rows[0], b: typeof rows[0]) => bySize(a.cl, b.cl), age: (a: typeof rows[0], b: typeof rows[0]) => (b.age ?? -1) - (a.age ?? -1), link: () => 0 }[sort];
      expect([...sizeOrder(sort, { rank, exclusive, closure, ages })], `round ${round} ${sort}`).toEqual(rows.sort(key).map((r) => r.i));
    }
  });
});
