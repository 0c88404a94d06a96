import { describe, expect, it } from 'vitest';
import { dedupeRoots, uniqueRootIndices, uniqueRoots } from '../../src/roots/findRoots.js';
import { ListedRoot } from '../../src/roots/listedRoot.js';
import type { ListedDir } from '../../src/roots/listedRoot.js';
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

  it('with temp roots among them (no id), keeps exactly the roots the map by link keeps', () => {
    const rng = createRng(7);
    for (let round = 0; round < 300; round++) {
      const paths = Array.from({ length: rng.int(1, 5) }, (_, k) => `/s/${k}`);
      const roots: Root[] = Array.from({ length: rng.int(0, 40) }, () => (rng.chance(0.3)
        ? { link: `{temp:${rng.int(1, 3)}}`, path: rng.pick(paths), kind: 'temp' }
        : { link: `/r/${rng.int(0, 6)}`, path: rng.pick(paths), kind: 'symlink' }));
      const ids = roots.map((r) => (r.kind === 'temp' ? -1 : paths.indexOf(r.path)));
      expect(uniqueRootIndices(roots, ids), `round ${round}`).toEqual(uniqueRootIndices(roots));
    }
  });

  it('tells listed roots of one link apart from others by directory and name, as by link', () => {
    const storeDir = '/s';
    const dir = (path: string, files: string[]): ListedDir => ({ dir: path, storeDir, files, links: [] });
    const a = dir('/g/a', ['p', 'q']);
    // The same directory listed again (overlapping trees), and another one.
    const again = dir('/g/a', ['p']);
    const other = dir('/g/b', ['p']);
    const roots: Root[] = [new ListedRoot(a, 0, 'file'), new ListedRoot(again, 0, 'file'), new ListedRoot(other, 0, 'file'), { link: '/g/a/p', path: '/s/p', kind: 'file' }, new ListedRoot(a, 1, 'file')];
    const ids = roots.map((r) => (r.path === '/s/p' ? 0 : 1));
    expect(uniqueRootIndices(roots, ids)).toEqual(uniqueRootIndices(roots));
    expect(uniqueRootIndices(roots, ids)).toEqual([0, 2, 4]);
  });

  it('reads the link of a root only when an earlier root has its id', () => {
    const read: number[] = [];
    const roots: Root[] = [0, 1, 2, 3].map((k) => ({ get link() { read.push(k); return `/r/${k}`; }, path: `/s/${[0, 1, 0, 2][k]}`, kind: 'symlink' as const }));
    // Ids 0, 1, 0, 2: only root 2 (after root 0) compares links.
    expect(uniqueRootIndices(roots, [0, 1, 0, 2])).toEqual([0, 1, 2, 3]);
    expect([...new Set(read)].sort()).toEqual([0, 2]);
  });
});

describe('dedupeRoots', () => {
  it('sorts many roots by link then path bytes, each pair once, as a stable string sort does', () => {
    // From 4096 roots the links are ranked by their bytes (rankPairs): links that are prefixes of
    // others, equal links with other paths, equal pairs of other kinds, bytes above 0x7f.
    const rng = createRng(6);
    for (const count of [5000, 20_000]) {
      const roots: Root[] = Array.from({ length: count }, () => ({
        link: `/nix/var/nix/gcroots/${rng.pick(['hydra/', 'per-user/u/', 'auto/', ''])}${rng.pick(['a', 'ab', 'b', '\xe9', '\xff', 'a-1'])}${rng.int(0, 300)}`,
        path: `/nix/store/${rng.pick(['x', 'y', '\xe9'])}${rng.int(0, 3)}`,
        kind: rng.pick(['symlink', 'file', 'indirect'] as const),
      }));
      const expected = [...roots].sort((a, b) => (a.link < b.link ? -1 : a.link > b.link ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
        .filter((r, i, s) => i === 0 || r.link !== s[i - 1]!.link || r.path !== s[i - 1]!.path);
      const got = dedupeRoots(roots);
      expect(got).toHaveLength(expected.length);
      expect(got.every((r, i) => r === expected[i])).toBe(true);
    }
  });
});
