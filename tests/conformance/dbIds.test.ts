/**
 * ValidPaths ids as the database holds them, not as Nix hands them out: negative (a damaged or
 * hostile database), far apart (a store collected for years), and past what JavaScript reads
 * exactly. Nix follows Refs by whatever ids there are; so must storegc, or refuse. Regression: a
 * table indexed by id dropped the references of a path with a negative id (the path it kept
 * alive was printed dead, and `gc` deleted it), and one sized by the largest id failed on 2^40.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { StoreBuilder } from '../support/builder.js';
import { materializeStore } from '../support/materialize.js';
import { describeWithNix } from '../support/nixGuard.js';
import { runNixStore, runStoregc } from '../support/run.js';
import { useTempDirs } from '../support/tempDir.js';

/** A store: root -> app -> lib, and a dead path; then `lib`'s id (and its Refs) moved to `id`. */
function storeWithId(root: string, id: number | bigint): void {
  const b = new StoreBuilder(91);
  const lib = b.path('lib');
  const app = b.path('app', { refs: [lib] });
  b.symlinkRoot('gcroots/app', app);
  b.path('dead-one', { refs: [lib] });
  materializeStore(b.build(), root).release();
  const db = new Database(join(root, 'var/db/db.sqlite'));
  try {
    db.pragma('foreign_keys = off');
    db.defaultSafeIntegers(true);
    const old = db.prepare('select id from ValidPaths where path like ?').pluck().get('%-lib') as bigint;
    db.transaction(() => {
      db.prepare('update ValidPaths set id = ? where id = ?').run(BigInt(id), old);
      db.prepare('update Refs set reference = ? where reference = ?').run(BigInt(id), old);
      db.prepare('update Refs set referrer = ? where referrer = ?').run(BigInt(id), old);
    })();
  } finally {
    db.close();
  }
}

describeWithNix('ValidPaths ids as the database holds them', () => {
  const tempDir = useTempDirs('each');

  it.each([
    ['negative', -5],
    ['far apart (2^40)', 2 ** 40],
    ['the largest JavaScript reads exactly (2^53 - 1)', Number.MAX_SAFE_INTEGER],
  ])('%s: dead and live as Nix prints them, through the caches too, and gc keeps what a root reaches', (_, id) => {
    const root = tempDir('storegc-ids-');
    storeWithId(root, id);
    const nixDead = runNixStore(root, ['--gc', '--print-dead']).stdout.toString();
    const nixLive = runNixStore(root, ['--gc', '--print-live']).stdout.toString();
    expect(nixDead.split('\n').filter(Boolean)).toHaveLength(1);
    for (const args of [['dead', '--no-index'], ['dead'], ['dead']]) {
      const run = runStoregc(root, args);
      expect(run.stderr.toString()).not.toContain('internal error');
      expect(run.stdout.toString()).toBe(nixDead);
    }
    expect(runStoregc(root, ['live']).stdout.toString()).toBe(nixLive);
    const gc = runStoregc(root, ['gc']);
    expect(gc.status, gc.stderr.toString()).toBe(0);
    for (const line of nixLive.split('\n').filter(Boolean)) expect(existsSync(line)).toBe(true);
    for (const line of nixDead.split('\n').filter(Boolean)) expect(existsSync(line)).toBe(false);
  });

  it('an id past 2^53 (read rounded) is refused with one line, and nothing is deleted', () => {
    const root = tempDir('storegc-ids-');
    storeWithId(root, 2n ** 60n + 1n);
    const nixDead = runNixStore(root, ['--gc', '--print-dead']).stdout.toString().split('\n').filter(Boolean);
    for (const args of [['dead', '--no-index'], ['gc']]) {
      const run = runStoregc(root, args);
      expect(run.status).toBe(1);
      const stderr = run.stderr.toString().trim().split('\n');
      expect(stderr[stderr.length - 1]).toMatch(/^storegc: .*ValidPaths id \d+ is not an integer storegc can read exactly/);
      expect(run.stdout.toString()).toBe('');
    }
    for (const path of nixDead) expect(existsSync(path)).toBe(true);
  });
});
