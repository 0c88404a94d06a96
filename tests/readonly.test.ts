/**
 * storegc's read-only commands write nothing: the whole scratch tree (store, state dir, DB, roots,
 * temp roots, outside links) has the same digest — content, mode, type, symlink target and mtime
 * of every entry — before and after, SQLite's own -wal/-shm sidecars apart. The store holds what
 * Nix 2.8 deletes even in print modes: junk entries, stale auto links, a dead temproots file.
 */
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
/** Everything but the sidecars, and the mtime of var/db, which their creation and removal bump. */
const snapshot = (root: string): string[] =>
  treeLines(root, { ignore: (rel) => SIDECARS.has(rel), mtimes: (rel) => rel !== 'var/db' });

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
    });
  }
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
