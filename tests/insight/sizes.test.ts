/**
 * `roots --sizes` exclusive sizes are exact: on generated stores (with files hard-linked into
 * `.links` as an optimised store has them), removing one root, or one group, and running real
 * `nix-store --gc` deletes exactly the store entries that stop being live, exclusivePaths and
 * exclusiveNarSize count the paths that stop being live, and it frees exclusiveDiskBytes (du
 * before and after). Registered paths missing on disk are the exception Nix 2.8 makes (§7.5).
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { linkSync, readdirSync, unlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { FAST_TMP } from '../collect/nixWorld.js';
import { generateStore } from '../support/generate.js';
import { materializeStore, releaseStore } from '../support/materialize.js';
import type { StoreLayout } from '../support/materialize.js';
import { describeWithNix } from '../support/nixGuard.js';
import { createRng } from '../support/prng.js';
import { runNixStore, runStoregc } from '../support/run.js';
import type { StoreSpec } from '../support/spec.js';
import { lines } from './storeOracle.js';

interface SizeFields { closurePaths: number; closureNarSize: number; closureDiskBytes: number; exclusivePaths: number; exclusiveNarSize: number; exclusiveDiskBytes: number }
interface RootRow extends SizeFields { link: string; path: string; kind: string; group: string }
interface SizesJson { roots: RootRow[]; groups: (SizeFields & { name: string; roots: number })[] }

const BLOBS = ['a'.repeat(20000), 'b'.repeat(9000), 'c'.repeat(70000)];

/** Every on-disk directory path gets one of three big files, identical across paths. */
function withBlobs(spec: StoreSpec): StoreSpec {
  let i = 0;
  return {
    ...spec,
    paths: spec.paths.map((p) => (p.onDisk && p.files[0]?.node.type === 'dir'
      ? { ...p, files: [...p.files, { path: 'blob', node: { type: 'file' as const, content: BLOBS[i++ % BLOBS.length]! } }] }
      : p)),
  };
}

/** What `nix-store --optimise` does to the blobs: one inode per content, linked from `.links`. */
function linkBlobs(layout: StoreLayout): void {
  const links = join(layout.storeDir, '.links');
  for (const base of readdirSync(layout.storeDir)) {
    const blob = join(layout.storeDir, base, 'blob');
    if (base === '.links' || !existsSync(blob)) continue;
    const size = spawnSync('stat', ['-c', '%s', blob]).stdout.toString().trim();
    const target = join(links, `blob-${size}`);
    if (existsSync(target)) {
      unlinkSync(blob);
      linkSync(target, blob);
    } else {
      linkSync(blob, target);
    }
  }
}

/** Store entries and registered paths, with the narSize of the registered ones. */
function inventory(layout: StoreLayout): Map<string, number> {
  const out = new Map<string, number>();
  for (const base of readdirSync(layout.storeDir)) if (base !== '.links') out.set(join(layout.storeDir, base), 0);
  const db = new Database(join(layout.stateDir, 'db', 'db.sqlite'), { readonly: true });
  try {
    for (const r of db.prepare('select path, narSize from ValidPaths').all() as { path: string; narSize: number | null }[]) out.set(r.path, r.narSize ?? 0);
  } finally {
    db.close();
  }
  return out;
}

const du = (dir: string): number => Number(spawnSync('du', ['-s', '-B1', dir]).stdout.toString().split('\t')[0]);

function gc(root: string): void {
  const r = runNixStore(root, ['--gc']);
  if (r.status !== 0) throw new Error(r.stderr);
}

describeWithNix('roots --sizes: exclusive sizes against nix-store --gc', () => {
  let trials = 0;
  for (let seed = 1; seed <= 4; seed++) {
    for (const what of ['root', 'group'] as const) {
      it(`seed ${seed}, one ${what}`, ({ expect }) => {
        const spec = withBlobs(generateStore(seed, { noTempRoots: seed % 2 === 0 }));
        const root = join(FAST_TMP, `storegc-sizes-${process.pid}-${seed}-${what}`);
        const layout = materializeStore(spec, root);
        try {
          linkBlobs(layout);
          gc(root); // what is dead already goes first, so the second collection frees only what the removal frees
          const sizes = JSON.parse(runStoregc(root, ['roots', '--sizes', '--json']).stdout.toString('utf8')) as SizesJson;
          const rng = createRng(seed * 7 + (what === 'root' ? 1 : 2));
          const removable = (r: RootRow): boolean => r.kind !== 'temp' && r.kind !== 'runtime';
          const candidates = what === 'root'
            ? sizes.roots.filter(removable).map((r) => ({ name: r.link, fields: r as SizeFields, rows: [r] }))
            : sizes.groups.map((g) => ({ name: g.name, fields: g as SizeFields, rows: sizes.roots.filter((r) => r.group === g.name) })).filter((g) => g.rows.every(removable));
          if (candidates.length === 0) return;
          // Prefer a removal that frees something: that is where attribution can go wrong.
          const freeing = candidates.filter((c) => c.fields.exclusivePaths > 0);
          const pick = rng.pick(freeing.length > 0 ? freeing : candidates);
          const rowsBefore = lines(runStoregc(root, ['roots']).stdout);
          const liveBefore = lines(runStoregc(root, ['live']).stdout);
          for (const r of pick.rows) if (existsSync(r.link)) unlinkSync(r.link);
          const rowsAfter = lines(runStoregc(root, ['roots']).stdout);
          // A link reached along two ways (a symlinked gcroots dir) is more than one row: not "this root alone".
          if (rowsBefore.length - rowsAfter.length !== pick.rows.length) return;
          const liveAfter = new Set(lines(runStoregc(root, ['live']).stdout));
          const before = inventory(layout);
          const onDiskBefore = new Set(readdirSync(layout.storeDir).map((b) => join(layout.storeDir, b)));
          const bytesBefore = du(layout.storeDir);
          gc(root);
          const after = inventory(layout);
          const bytesAfter = du(layout.storeDir);
          const deleted = [...before.keys()].filter((p) => !after.has(p)).sort();
          const lost = liveBefore.filter((p) => !liveAfter.has(p)).sort();
          // Store entries: exactly the ones that stop being live. Registered paths missing on disk
          // lose their row only if Nix's walk meets them (reference §7.5), whether live before or not.
          const onDisk = (p: string): boolean => onDiskBefore.has(p);
          expect(deleted.filter(onDisk), `store entries nix-store --gc deleted after removing ${pick.name}`).toEqual(lost.filter(onDisk));
          expect(pick.fields.exclusivePaths).toBe(lost.length);
          expect(pick.fields.exclusiveNarSize).toBe(lost.reduce((t, p) => t + before.get(p)!, 0));
          expect(pick.fields.exclusiveDiskBytes, 'bytes freed (du)').toBe(bytesBefore - bytesAfter);
          expect(pick.fields.closurePaths).toBeGreaterThanOrEqual(pick.fields.exclusivePaths);
          trials++;
        } finally {
          releaseStore(root);
          spawnSync('rm', ['-rf', root]);
        }
      });
    }
  }
  it('ran enough trials to mean something', ({ expect }) => {
    expect(trials).toBeGreaterThanOrEqual(5);
  });
});
