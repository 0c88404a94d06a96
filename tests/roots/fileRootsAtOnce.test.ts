/**
 * Regular-file roots looked up together (decideTrees: PathTable.idsOfNames, from 1,024 files on)
 * where every root is made with its id (order 'unique', as gc and roots --sizes take them): the
 * same roots, findings and ids as each looked up by itself, names that are no store path's,
 * names of paths that are not valid, and one path's roots in two directories among them.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/settings.js';
import { PathTable } from '../../src/graph/pathTable.js';
import { findRoots } from '../../src/roots/findRoots.js';
import { createRng } from '../support/prng.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ALPHABET = '0123456789abcdfghijklmnpqrsvwxyz';

describe('regular-file roots looked up together', () => {
  for (const files of [1500, 300]) {
    it(`give the roots each lookup by itself gives (${files} files)`, async () => {
      const root = mkdtempSync('/tmp/storegc-fileroots-');
      dirs.push(root);
      const storeDir = join(root, 'store');
      const stateDir = join(root, 'var');
      for (const d of [storeDir, join(stateDir, 'gcroots', 'hydra'), join(stateDir, 'gcroots', 'other'), join(stateDir, 'temproots')]) mkdirSync(d, { recursive: true });
      const rng = createRng(files);
      const name = (k: number): string => `${Array.from({ length: 32 }, () => rng.pick([...ALPHABET])).join('')}-pkg-${k}`;
      const valid = Array.from({ length: files }, (_, k) => name(k));
      const { table } = PathTable.build(`${storeDir}/`, valid.map((n) => `${storeDir}/${n}`));
      for (let k = 0; k < files; k++) {
        // Most files name a valid path; some a path that is not valid, some nothing in the store.
        const file = k % 10 === 0 ? name(files + k) : k % 10 === 1 ? `not-a-store-name-${k}` : valid[k]!;
        writeFileSync(join(stateDir, 'gcroots', 'hydra', file), '');
        // Some paths rooted from two directories.
        if (k % 7 === 0) writeFileSync(join(stateDir, 'gcroots', 'other', file), '');
      }
      symlinkSync(`${storeDir}/${valid[5]}`, join(stateDir, 'gcroots', 'other', 'link'));
      const settings = resolveSettings({ storeDir, stateDir, runtimeRoots: false, index: join(root, 'index.sqlite') }, {}, []);
      const isValid = (p: string): boolean => table.idOf(p) !== -1;
      const together = await findRoots(settings, isValid, { order: 'unique', ids: table });
      const oneByOne = await findRoots(settings, isValid, { order: 'unique', ids: { idOf: (p) => table.idOf(p), idOfName: (n) => table.idOfName(n), idOfNameBytes: (b, f, t) => table.idOfNameBytes(b, f, t) } });
      const rows = (found: typeof together): string[] => found.roots.map((r, i) => `${r.link} ${r.path} ${r.kind} ${found.rootIds![i]}`);
      expect(rows(together)).toEqual(rows(oneByOne));
      expect(together.findings).toEqual(oneByOne.findings);
      // And what `roots` lists, by validity alone.
      const listed = await findRoots(settings, isValid);
      expect([...rows(together)].map((r) => r.split(' ').slice(0, 3).join(' ')).sort()).toEqual(listed.roots.map((r) => `${r.link} ${r.path} ${r.kind}`).sort());
      expect(together.roots.length).toBeGreaterThan(files * 0.8);
    });
  }
});
