/**
 * Roots of decided directories (src/roots/listedRoot.ts): their links and paths as classify.ts
 * makes them, and their links packed from directory and name as packLatin1 packs the strings.
 */
import { describe, expect, it } from 'vitest';
import { ListedRoot, packRootLinks } from '../../src/roots/listedRoot.js';
import type { ListedDir } from '../../src/roots/listedRoot.js';
import type { Root } from '../../src/roots/types.js';
import { packLatin1 } from '../../src/store/byteOrder.js';
import { createRng } from '../support/prng.js';

const STORE = '/nix/store';

describe('ListedRoot', () => {
  it('has the link and path classifyEntry gives a file named after a store path and a link into the store', () => {
    const dir: ListedDir = { dir: '/nix/var/nix/gcroots/hydra', storeDir: STORE, files: ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x'], links: [{ name: 'r', target: `${STORE}/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-y/bin/z` }] };
    const file = new ListedRoot(dir, 0, 'file');
    const link = new ListedRoot(dir, 0, 'symlink');
    expect([file.link, file.path, file.kind]).toEqual(['/nix/var/nix/gcroots/hydra/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x', `${STORE}/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x`, 'file']);
    expect([link.link, link.path, link.kind]).toEqual(['/nix/var/nix/gcroots/hydra/r', `${STORE}/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-y`, 'symlink']);
  });
});

describe('packRootLinks', () => {
  it('packs listed and other roots as packLatin1 packs their links, shared or not', () => {
    const rng = createRng(12);
    for (let round = 0; round < 200; round++) {
      const dirs: ListedDir[] = Array.from({ length: rng.int(1, 4) }, (_, d) => {
        const names = Array.from({ length: rng.int(0, 6) }, (_, k) => `${rng.pick(['', '\xe9', '\xff'])}n${d}-${k}`);
        return { dir: rng.pick(['/g', '/nix/var/nix/gcroots/per-user/\xe9', `/d${d}`]), storeDir: STORE, files: names, links: names.map((name) => ({ name: `l${name}`, target: `${STORE}/h-${name}` })) };
      });
      const roots: Root[] = [];
      for (let i = rng.int(0, 30); i > 0; i--) {
        if (rng.chance(0.2)) {
          roots.push({ link: rng.pick(['{temp:1}', '/proc/3/maps', '', '/h/\xff/result']), path: `${STORE}/x`, kind: 'indirect' });
          continue;
        }
        const dir = rng.pick(dirs);
        if (dir.files!.length === 0) continue;
        roots.push(new ListedRoot(dir, rng.int(0, dir.files!.length - 1), rng.pick(['file', 'symlink'] as const)));
      }
      const expected = packLatin1(roots.map((r) => r.link));
      for (const shared of [false, true]) {
        const got = packRootLinks(roots, shared);
        expect(Buffer.from(got.bytes).equals(Buffer.from(expected.bytes))).toBe(true);
        expect(Array.from(got.offsets)).toEqual(Array.from(expected.offsets));
        expect(got.bytes.buffer instanceof SharedArrayBuffer).toBe(shared);
      }
    }
  });
});
