/**
 * `dead` and `live` with kept root decisions print what they print with `--no-index`, after
 * changes that leave the roots directories untouched but change the graph (a path a root names
 * deleted, a path a dangling root names registered: the graph cache's key changes, so the
 * decisions kept for the old graph must not be used), and after changes to a roots directory;
 * damaged kept decisions are a warning and a rebuild, never used.
 */
import Database from 'better-sqlite3';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TIMESTAMP_MARGIN_NS } from '../../../src/roots/index/listing.js';
import { StoreBuilder } from '../../support/builder.js';
import { materializeStore } from '../../support/materialize.js';
import { runStoregc } from '../../support/run.js';
import type { RunResult } from '../../support/run.js';
import { useTempDirs } from '../../support/tempDir.js';

const ok = (r: RunResult): RunResult => {
  expect(r.status, r.stderr).toBe(0);
  return r;
};
const warnings = (r: RunResult): string[] => r.stderr.split('\n').filter((l) => l.includes('warning'));

function dirsUnder(dir: string): string[] {
  return [dir, ...readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) => dirsUnder(join(dir, d.name)))];
}

/** Each command prints with the index what it prints without; returns the index's stderr line of `dead`. */
function sameAsWithoutIndex(root: string): string {
  let line = '';
  for (const command of ['dead', 'live', 'roots']) {
    const cached = ok(runStoregc(root, [command]));
    const full = ok(runStoregc(root, [command, '--no-index']));
    expect(cached.stdout.toString(), command).toBe(full.stdout.toString());
    expect(warnings(cached), command).toEqual(warnings(full));
    if (command === 'dead') line = /roots index: .*/.exec(cached.stderr)?.[0] ?? '';
  }
  return line;
}

describe('kept root decisions', () => {
  const tempDir = useTempDirs('each');

  it('are used only for the graph they were made for, and never when damaged', async () => {
    const root = tempDir('storegc-decisions-');
    const b = new StoreBuilder(808);
    const lib = b.path('lib');
    const [p, q, r, s] = [b.path('p', { refs: [lib] }), b.path('q'), b.path('r', { refs: [lib] }), b.path('s')];
    const later = b.path('later', { registered: false });
    const gone = b.path('gone', { registered: false });
    b.fileRoot('gcroots/hydra', p).fileRoot('gcroots/hydra', q).fileRoot('gcroots/hydra', r).fileRoot('gcroots/hydra', later);
    b.symlinkRoot('gcroots/per-user/alice/s', s).symlinkRoot('gcroots/per-user/alice/later', later).symlinkRoot('gcroots/per-user/alice/gone', gone);
    b.indirectRoot('fg9hnmq67qfg5fcqq13wvcg5av5zlrql', 'home/result', q);
    b.path('dead-one');
    materializeStore(b.build(), root).release();
    const dirs = [...dirsUnder(join(root, 'var/gcroots')), ...dirsUnder(join(root, 'var/profiles'))];
    const hour = new Date(Date.now() - 3_600_000);
    for (const d of dirs) utimesSync(d, hour, hour);
    // utimes sets ctime to now: wait out the margin so that listings read from now on can be trusted.
    await sleep(Number(TIMESTAMP_MARGIN_NS / 1_000_000n) + 300);

    sameAsWithoutIndex(root);
    expect(sameAsWithoutIndex(root)).toMatch(/^roots index: reused (\d+) of \1 directories/);

    const db = new Database(join(root, 'var/db/db.sqlite'));
    try {
      // q, named by a file root in hydra/, stops being valid: hydra/ is unchanged, the graph is not.
      db.prepare('delete from ValidPaths where path = ?').run(join(root, 'store', q));
      expect(sameAsWithoutIndex(root)).toMatch(/^roots index: reused (\d+) of \1 directories/);
      // `later`, named by a file root and a dangling link, becomes valid: both become roots.
      db.prepare('insert into ValidPaths (path, hash, registrationTime, narSize) values (?, ?, 1700000000, 0)').run(join(root, 'store', later), `sha256:${'1'.repeat(52)}`);
      expect(sameAsWithoutIndex(root)).toMatch(/^roots index: reused (\d+) of \1 directories/);
      const dead = ok(runStoregc(root, ['dead'])).stdout.toString();
      expect(dead).not.toContain(later);
      expect(dead).toContain(q);
    } finally {
      db.close();
    }

    // A root added to hydra/: that directory is read and classified again, the others are not.
    writeFileSync(join(root, 'var/gcroots/hydra', s), '');
    sameAsWithoutIndex(root);
    await sleep(Number(TIMESTAMP_MARGIN_NS / 1_000_000n) + 300);
    sameAsWithoutIndex(root);
    expect(sameAsWithoutIndex(root)).toMatch(/^roots index: reused (\d+) of \1 directories/);

    // Damaged kept decisions (an id beyond the graph): rebuilt with a warning, output unchanged.
    const index = new Database(join(root, 'var/storegc/roots-index.sqlite'));
    try {
      const hydra = Buffer.from(join(root, 'var/gcroots/hydra'), 'latin1');
      const kept = index.prepare('select files from decisions where path = ?').pluck().get(hydra) as Buffer;
      expect(kept.length).toBe(5 * 4);
      kept.writeInt32LE(1_000_000, 0);
      index.prepare('update decisions set files = ? where path = ?').run(kept, hydra);
    } finally {
      index.close();
    }
    const damaged = ok(runStoregc(root, ['dead']));
    expect(damaged.stderr).toMatch(/warning: roots index: damaged decisions of '.*hydra' \(a file decision out of range\); rebuilding it/);
    expect(damaged.stdout.toString()).toBe(ok(runStoregc(root, ['dead', '--no-index'])).stdout.toString());
    expect(ok(runStoregc(root, ['dead'])).stderr).not.toContain('damaged');
  }, 60_000);
});
