import { describe, expect, it } from 'vitest';
import { generationOf, groupOf, groupRoots } from '../../src/insight/rootGroups.js';
import { ListedRoot, packRootLinks } from '../../src/roots/listedRoot.js';
import type { ListedDir } from '../../src/roots/listedRoot.js';
import type { Root } from '../../src/roots/types.js';
import { createRng } from '../support/prng.js';

describe('groupRoots', () => {
  it('reads generation links as /^(.*)-[0-9]+-link$/ does', () => {
    const regex = (link: string): string | null => /^(.*)-[0-9]+-link$/.exec(link)?.[1] ?? null;
    const fixed = ['/p/profile-12-link', '/p/profile-link', '/p/profile--link', '-1-link', '1-link', 'a-1-link', '/p/a-b-3-x-4-link', '/p/x-12a-link',
      '/p/line\nbreak-3-link', '/p/cr\rx-3-link', '/p/x-007-link', '/p/x-1-link-2-link', '/p/-5-link', '/p/x-5-linky', '', '-link', '--link'];
    const rng = createRng(3);
    const alphabet = ['-', '1', '7', 'l', 'i', 'n', 'k', '/', 'a', '\n'];
    const random = Array.from({ length: 3000 }, () => `${Array.from({ length: rng.int(0, 8) }, () => rng.pick(alphabet)).join('')}${rng.chance(0.5) ? '-link' : ''}`);
    for (const link of [...fixed, ...random]) expect(generationOf(link), JSON.stringify(link)).toBe(regex(link));
  });

  it('groups a profile with its generations, a process, a temp-roots owner, and otherwise by directory', () => {
    const roots: Root[] = [
      { link: '/nix/var/nix/profiles/system', path: '/nix/store/a', kind: 'symlink' },
      { link: '/nix/var/nix/profiles/system-41-link', path: '/nix/store/b', kind: 'symlink' },
      { link: '/nix/var/nix/profiles/system-42-link', path: '/nix/store/a', kind: 'symlink' },
      { link: '/proc/123/maps', path: '/nix/store/c', kind: 'runtime' },
      { link: '/proc/123/environ', path: '/nix/store/d', kind: 'runtime' },
      { link: '/proc/self/x', path: '/nix/store/d', kind: 'runtime' },
      { link: '{temp:77}', path: '/nix/store/e', kind: 'temp' },
      { link: '/home/u/proj/result', path: '/nix/store/f', kind: 'indirect' },
      { link: '/home/u/proj/result-dev', path: '/nix/store/g', kind: 'indirect' },
      { link: 'result', path: '/nix/store/h', kind: 'indirect' },
    ];
    const { groupIndex, names } = groupRoots(roots);
    expect(names).toEqual(['/nix/var/nix/profiles/system', '/proc/123', '/proc/self', '{temp:77}', '/home/u/proj', '/']);
    expect([...groupIndex]).toEqual([0, 0, 0, 1, 1, 2, 3, 4, 4, 5]);
  });

  it('groups listed roots (read by directory, no byte of their links) as groupOf names them', () => {
    const rng = createRng(9);
    const names = ['x', 'prof', 'prof-1-link', 'prof-22-link', 'y', '\xff-3-link', 'n\nl'];
    const dirs: ListedDir[] = ['/a', '/a/b', '/p', '/nix/var/nix/profiles', '/\xe9'].map((dir) => ({ dir, storeDir: '/nix/store', files: names, links: [] }));
    // A second listing of a directory (trees that overlap): equal strings, another object.
    dirs.push({ dir: '/a', storeDir: '/nix/store', files: names, links: [] });
    for (let round = 0; round < 400; round++) {
      const roots: Root[] = Array.from({ length: rng.int(0, 40) }, () => {
        if (rng.chance(0.15)) return { link: rng.pick(['{temp:1}', '/proc/3/maps', '/a/x', '/p/prof', '/q/z']), path: '/nix/store/a', kind: rng.pick(['temp', 'runtime', 'symlink'] as const) };
        return new ListedRoot(rng.pick(dirs), rng.int(0, names.length - 1), 'file');
      });
      // Mostly runs of one directory, as a scan gives them.
      if (rng.chance(0.7)) roots.sort((a, b) => (a.link < b.link ? -1 : a.link > b.link ? 1 : 0));
      const profiles = new Set(roots.map((r) => generationOf(r.link)).filter((g): g is string => g !== null));
      const expected = roots.map((root) => groupOf(root, profiles));
      const { groupIndex, names: groups } = groupRoots(roots, packRootLinks(roots));
      roots.forEach((root, i) => expect(groups[groupIndex[i]!], JSON.stringify(root.link)).toBe(expected[i]));
      expect(groups).toEqual([...new Set(expected)]);
    }
  });

  it('groups many links without a slash one after another without searching back through all before', () => {
    // Searching each link's last slash back past its start (the builtin's way) read every link
    // before it: 200k links of 12 bytes took 3 s, these a minute, 560k of 100 bytes did not
    // finish in 13.
    const roots: Root[] = Array.from({ length: 400_000 }, (_, i) => ({ link: `result-${i}-of-a-build`, path: '/nix/store/a', kind: 'indirect' as const }));
    roots.push({ link: '/home/u/result', path: '/nix/store/a', kind: 'indirect' });
    const { groupIndex, names } = groupRoots(roots);
    expect(names).toEqual(['/', '/home/u']);
    expect(groupIndex[0]).toBe(0);
    expect(groupIndex[399_999]).toBe(0);
    expect(groupIndex[400_000]).toBe(1);
    // Not a measure of speed: a bound on a search back through every link (61 s before the fix,
    // 0.3 s with it here).
  }, 20_000);

  it('gives every root the group groupOf names, sorted or not, groups in first-seen order', () => {
    const rng = createRng(8);
    // Binary strings: bytes past ASCII, line breaks, links with no directory or no slash.
    const dirs = ['/a', '/a/b', '/a/bc', '/proc/1', '/proc/12', '/proc/', '/proc/1x', '/p', '', '/\xe9t\xe9', '/n\nl', 'rel', 'rel/x'];
    const names = ['x', 'prof', 'prof-1-link', 'prof-22-link', 'y-link', 'maps', '\xff-3-link', '\xff', 'cr\r-1-link', 'cr\r', 'n\nl', '-1-link', ''];
    const kinds = ['symlink', 'file', 'indirect', 'runtime', 'temp'] as const;
    for (let round = 0; round < 400; round++) {
      const roots: Root[] = Array.from({ length: rng.int(0, 40) }, () => {
        const kind = rng.pick(kinds);
        const link = kind === 'temp' ? `{temp:${rng.int(1, 3)}}` : rng.chance(0.1) ? rng.pick(names) : `${rng.pick(dirs)}/${rng.pick(names)}`;
        return { link, path: '/nix/store/a', kind };
      });
      if (rng.chance(0.5)) roots.sort((a, b) => (a.link < b.link ? -1 : a.link > b.link ? 1 : 0));
      const profiles = new Set(roots.map((r) => generationOf(r.link)).filter((g): g is string => g !== null));
      const expected = roots.map((root) => groupOf(root, profiles));
      const { groupIndex, names: groups } = groupRoots(roots);
      roots.forEach((root, i) => expect(groups[groupIndex[i]!], JSON.stringify(root.link)).toBe(expected[i]));
      expect(groups).toEqual([...new Set(expected)]);
    }
  });
});
