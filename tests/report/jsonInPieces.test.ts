import { describe, expect, it } from 'vitest';
import { jsonInPieces } from '../../src/report/json.js';
import { LazyRows } from '../../src/report/lazyRows.js';
import { createRng } from '../support/prng.js';
import type { Rng } from '../support/prng.js';

function value(rng: Rng, depth: number): unknown {
  const leaves = [null, 0, -1.5, 2 ** 53, 'a', '', 'é\u2028"\\\n<', true, undefined];
  if (depth === 0 || rng.chance(0.4)) return rng.pick(leaves);
  if (rng.chance(0.5)) return Array.from({ length: rng.int(0, 4) }, () => value(rng, depth - 1));
  return Object.fromEntries(Array.from({ length: rng.int(0, 4) }, (_, i) => [rng.pick(['k', 'link', 'é', `f${i}`]), value(rng, depth - 1)]));
}

describe('jsonInPieces', () => {
  it('writes the text JSON.stringify(value, null, 2) and a newline would', () => {
    const rng = createRng(21);
    for (let round = 0; round < 500; round++) {
      const top = Object.fromEntries(Array.from({ length: rng.int(0, 5) }, (_, i) => [`key${i}`, rng.chance(0.2)
        ? new LazyRows(Array.from({ length: rng.int(0, 4) }, (_, k) => k), (k) => ({ row: k, name: k % 2 === 0 ? 'a' : 'é', n: null }))
        : rng.chance(0.5)
        ? Array.from({ length: rng.int(0, 6) }, () => (rng.chance(0.6) ? { link: rng.pick(['/a', 'é']), n: rng.int(0, 9), none: null, skipped: undefined } : value(rng, 3)))
        : value(rng, 3)]));
      expect(jsonInPieces(top).toString('utf8'), JSON.stringify(top)).toBe(`${JSON.stringify(top, null, 2)}\n`);
    }
  });
});
