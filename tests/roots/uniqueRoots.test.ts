import { describe, expect, it } from 'vitest';
import { dedupeRoots, uniqueRootIndices, uniqueRoots } from '../../src/roots/findRoots.js';
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

describe('uniqueRootIndices', () => {
  it('with graph ids, keeps exactly the roots the map by link keeps', () => {
    const rng = createRng(5);
    for (let round = 0; round < 300; round++) {
      const paths = Array.from({ length: rng.int(1, 5) }, (_, k) => `/s/${k}`);
      // Now and then many roots to few paths: the roots of one id go through a set.
      const roots: Root[] = Array.from({ length: rng.int(0, round % 10 === 0 ? 300 : 40) }, () => ({ link: `/r/${rng.int(0, round % 10 === 0 ? 60 : 6)}`, path: rng.pick(paths), kind: 'symlink' }));
      // The graph id of a path: equal paths, equal ids; now and then one unknown (-1).
      const ids = roots.map((r) => (rng.chance(round % 10 === 0 ? 0 : 0.05) ? -1 : paths.indexOf(r.path)));
      expect(uniqueRootIndices(roots, ids), `round ${round}`).toEqual(uniqueRootIndices(roots));
    }
  });
});
