import { describe, expect, it } from 'vitest';
import { dedupeRoots, uniqueRoots } from '../../src/roots/findRoots.js';
import type { Root } from '../../src/roots/types.js';
import { createRng } from '../support/prng.js';

describe('uniqueRoots', () => {
  it('keeps the first of each (link, path) pair in the order given: the pairs dedupeRoots keeps', () => {
    const rng = createRng(4);
    for (let round = 0; round < 100; round++) {
      const roots: Root[] = Array.from({ length: rng.int(0, 30) }, () => ({ link: `/r/${rng.int(0, 6)}`, path: `/s/${rng.int(0, 3)}`, kind: 'symlink' }));
      const unique = uniqueRoots(roots);
      const key = (r: Root): string => `${r.link}\0${r.path}`;
      expect(unique.map(key)).toEqual([...new Set(roots.map(key))]);
      expect(unique.every((r) => roots.includes(r))).toBe(true);
      expect(dedupeRoots(unique).map(key)).toEqual(dedupeRoots(roots).map(key));
    }
  });
});
