/**
 * storegc's read-only commands write nothing: the whole scratch tree (store, state dir, DB, roots,
 * temp roots, outside links) has the same digest — content, mode, type, symlink target and mtime
 * of every entry — before and after, SQLite's own -wal/-shm sidecars and the roots index (a
 * cache, the one file they may write) apart. The store holds what
 * Nix 2.8 deletes even in print modes: junk entries, stale auto links, a dead temproots file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, describe } from 'vitest';
import { StoreBuilder } from './support/builder.js';
import { materializeStore } from './support/materialize.js';
import { describeWithNix } from './support/nixGuard.js';
import { runNixStore, runStoregc } from './support/run.js';
import type { StoreSpec } from './support/spec.js';
import { useTempDirs } from './support/tempDir.js';
import { treeLines } from './support/treeDigest.js';

function storeNixWouldChange(): StoreSpec {
  const b = new StoreBuilder(7);
  const lib = b.path('lib');
  const app = b.path('app', { refs: [lib] });
  const d = b.derivation('tool', { outputs: ['out', 'dev'], built: ['out'] });
  b.sibling(d.drv, '.chroot', { kind: 'dir' });
  b.path('partial', { registered: false });
  b.path('gone', { onDisk: false, refs: [lib] });
  b.junk('junk').junk('trash', 'dir').junk(`${b.hash()}-`).junk('junklink', 'symlink').junk('junkfifo', 'fifo');
  b.symlinkRoot('gcroots/app', app).fileRoot('gcroots/hydra', d.out);
  b.indirectRoot('fg9hnmq67qfg5fcqq13wvcg5av5zlrql', 'home/result', app);
  b.link('var/gcroots/auto/stale0000000000000000000000000000', '@/home/gone/result');
  b.link('var/gcroots/auto/sub/stale', '@/home/also-gone');
  b.profile('profiles', 'system', [app, lib], 1);
  b.tempRoots('12345', [d.drv], 'alive').tempRoots('54321', [lib], 'dead');
  b.fifo('var/gcroots/fifo');
  return b.build();
}

const SIDECARS = new Set(['var/db/db.sqlite-wal', 'var/db/db.sqlite-shm']);
/** The roots index: the one file these commands may write (with its directory under the state dir). */
const INDEX = 'var/storegc/roots-index.sqlite';
const isIndex = (rel: string): boolean => rel === 'var/storegc' || rel.startsWith(`${INDEX}`);
/**
 * Everything but the sidecars and the index, and the mtimes of var/db and var (whose entries
 * those come and go in).
 */
const snapshot = (root: string): string[] =>
  treeLines(root, { ignore: (rel) => SIDECARS.has(rel) || isIndex(rel), mtimes: (rel) => rel !== 'var/db' && rel !== 'var' });

describe('read-only commands write nothing', () => {
  const tempDir = useTempDirs('each');
  const commands = [['roots'], ['live'], ['dead'], ['roots', '--json'], ['live', '--json'], ['dead', '--json']];

  for (const args of commands) {
    it(`storegc ${args.join(' ')} leaves the store, state dir and DB untouched`, () => {
      const root = tempDir('storegc-readonly-');
      const m = materializeStore(storeNixWouldChange(), root);
      const before = snapshot(root);
      const r = runStoregc(root, args);
      m.release();
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(snapshot(root)).toEqual(before);
      expect(existsSync(join(root, INDEX)), 'the roots index was written').toBe(true);
    });
  }

  it('with --no-index, not even the index is written', () => {
    const root = tempDir('storegc-readonly-');
    const m = materializeStore(storeNixWouldChange(), root);
    const before = treeLines(root, { ignore: (rel) => SIDECARS.has(rel), mtimes: (rel) => rel !== 'var/db' });
    const r = runStoregc(root, ['dead', '--no-index']);
    m.release();
    expect(r.status, r.stderr).toBe(0);
    expect(treeLines(root, { ignore: (rel) => SIDECARS.has(rel), mtimes: (rel) => rel !== 'var/db' })).toEqual(before);
  });
});

describeWithNix('the read-only check can see a change', () => {
  const tempDir = useTempDirs('each');

  it('nix-store --gc --print-dead on the same store changes it (junk, stale links, dead temproots)', () => {
    const root = tempDir('storegc-readonly-nix-');
    const m = materializeStore(storeNixWouldChange(), root);
    const before = snapshot(root);
    const r = runNixStore(root, ['--gc', '--print-dead']);
    m.release();
    expect(r.status, r.stderr).toBe(0);
    const after = new Set(snapshot(root).map((l) => l.split(' ')[0]));
    const removed = before.map((l) => l.split(' ')[0] ?? '').filter((rel) => !after.has(rel));
    expect(removed).toEqual(expect.arrayContaining([
      'store/junk', 'store/trash', 'store/junklink', 'store/junkfifo', 'var/temproots/54321',
      'var/gcroots/auto/stale0000000000000000000000000000', 'var/gcroots/auto/sub/stale',
    ]));
  });
});
