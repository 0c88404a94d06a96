/**
 * The roots index through the CLI: `roots`, `live` and `dead` use it by default and say on
 * stderr what they reused; `index status | update | rebuild | verify`; a damaged or foreign
 * index is rebuilt with a warning, a file the user named that is no index is refused untouched.
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TIMESTAMP_MARGIN_NS } from '../../../src/roots/index/listing.js';
import { INDEX_VERSION } from '../../../src/roots/index/rootsIndex.js';
import { StoreBuilder } from '../../support/builder.js';
import { materializeStore } from '../../support/materialize.js';
import { runStoregc } from '../../support/run.js';
import type { RunResult } from '../../support/run.js';
import { useTempDirs } from '../../support/tempDir.js';

const INDEX = 'var/storegc/roots-index.sqlite';

function rootsStore(root: string): void {
  const b = new StoreBuilder(301);
  const [p, q, r] = [b.path('p'), b.path('q'), b.path('r')];
  b.symlinkRoot('gcroots/per-user/alice/p', p).fileRoot('gcroots/hydra', q).fileRoot('gcroots/hydra', r);
  b.indirectRoot('fg9hnmq67qfg5fcqq13wvcg5av5zlrql', 'home/result', p);
  b.profile('profiles', 'system', [q, r], 2);
  b.path('dead-one');
  materializeStore(b.build(), root).release();
}

/** Makes the index say that `dir` holds one regular file `forged` and nothing else. */
function forge(db: Database.Database, dir: string): void {
  const key = Buffer.from(dir);
  db.prepare("update dirs set links = x'', targets = x'', dirs = x'', entries = 1 where path = ?").run(key);
  db.prepare("update files set names = cast('forged' as blob) where path = ?").run(key);
  db.prepare('delete from delta where path = ?').run(key);
}

function dirsUnder(dir: string): string[] {
  return [dir, ...readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) => dirsUnder(join(dir, d.name)))];
}

const ok = (r: RunResult): RunResult => {
  expect(r.status, r.stderr).toBe(0);
  return r;
};
const reuseLine = (r: RunResult): string => /roots index: (reused \d+ of \d+ directories \(read \d+\))/.exec(r.stderr)?.[1] ?? r.stderr;

describe('storegc with the roots index', () => {
  const tempDir = useTempDirs('each');

  it('reuses unchanged directories, reads changed ones, and prints what a full scan prints', async () => {
    const root = tempDir('storegc-index-');
    rootsStore(root);
    const dirs = [...dirsUnder(join(root, 'var/gcroots')), ...dirsUnder(join(root, 'var/profiles'))];
    const hour = new Date(Date.now() - 3_600_000);
    for (const d of dirs) utimesSync(d, hour, hour);
    // utimes sets ctime to now: wait out the margin so that the next read can be trusted later.
    await sleep(Number(TIMESTAMP_MARGIN_NS / 1_000_000n) + 300);

    const full = ok(runStoregc(root, ['roots', '--no-index']));
    expect(full.stderr).not.toContain('roots index');
    const first = ok(runStoregc(root, ['roots']));
    expect(reuseLine(first)).toBe(`reused 0 of ${dirs.length} directories (read ${dirs.length})`);
    const second = ok(runStoregc(root, ['roots']));
    expect(reuseLine(second)).toBe(`reused ${dirs.length} of ${dirs.length} directories (read 0)`);
    expect(second.stdout.toString()).toBe(full.stdout.toString());
    expect(ok(runStoregc(root, ['dead'])).stdout.toString()).toBe(ok(runStoregc(root, ['dead', '--no-index'])).stdout.toString());

    // A new root in the flat directory: that directory alone is read again, and the root shows.
    const newRoot = readdirSync(join(root, 'store')).find((n) => n.endsWith('-dead-one'))!;
    writeFileSync(join(root, 'var/gcroots/hydra', newRoot), '');
    const third = ok(runStoregc(root, ['roots', '--json']));
    const json = JSON.parse(third.stdout.toString()) as { roots: { link: string }[]; index: { dirsReused: number; dirsRead: number } };
    expect(json.index).toMatchObject({ dirsReused: dirs.length - 1, dirsRead: 1 });
    expect(json.roots.map((r) => r.link)).toContain(join(root, 'var/gcroots/hydra', newRoot));
    expect(ok(runStoregc(root, ['roots'])).stdout.toString()).toBe(ok(runStoregc(root, ['roots', '--no-index'])).stdout.toString());

    // An indirect root's outside link changes without touching gcroots/: it is looked at again.
    const q = readdirSync(join(root, 'store')).find((n) => n.endsWith('-q'))!;
    const indirect = (out: string): string | undefined => out.split('\n').find((l) => l.startsWith(`${root}/home/result -> `));
    expect(indirect(ok(runStoregc(root, ['roots'])).stdout.toString())).not.toContain(q);
    rmSync(join(root, 'home/result'));
    symlinkSync(join(root, 'store', q), join(root, 'home/result'));
    const retargeted = ok(runStoregc(root, ['roots']));
    // No directory of gcroots/ changed (hydra/ may still be too recent to trust: read 0 or 1).
    expect(reuseLine(retargeted)).toMatch(new RegExp(`^reused (${dirs.length}|${dirs.length - 1}) of ${dirs.length} directories`));
    expect(indirect(retargeted.stdout.toString())).toBe(`${root}/home/result -> ${root}/store/${q}`);

    // verify: no drift; then a tampered listing of a directory the index trusts is drift (exit 1) until a rebuild.
    expect(ok(runStoregc(root, ['index', 'verify'])).stdout.toString()).toContain('no drift');
    const db = new Database(join(root, INDEX));
    forge(db, join(root, 'var/gcroots/per-user/alice'));
    db.close();
    const drift = runStoregc(root, ['index', 'verify']);
    expect(drift.status).toBe(1);
    expect(drift.stdout.toString()).toContain(`- file ${join(root, 'var/gcroots/per-user/alice/forged')}`);
    expect(drift.stdout.toString()).toContain(`+ symlink ${join(root, 'var/gcroots/per-user/alice/p')} -> `);
    // The drifted listings are never served again: the next scan reads everything and says why.
    const distrusted = ok(runStoregc(root, ['roots', '--json']));
    expect(distrusted.stderr).toMatch(/warning: roots index: the last `storegc index verify` found \d+ differences from the disk; reading every directory again/);
    expect(JSON.parse(distrusted.stdout.toString())).toMatchObject({ index: { dirsReused: 0, dirsRead: dirs.length } });
    expect(distrusted.stdout.toString()).toContain('per-user/alice/p');
    expect(ok(runStoregc(root, ['index', 'verify'])).stdout.toString()).toContain('no drift');
    // Tamper again: rebuild is the other way out.
    const db2 = new Database(join(root, INDEX));
    forge(db2, join(root, 'var/gcroots/per-user/alice'));
    db2.close();
    expect(runStoregc(root, ['index', 'verify']).status).toBe(1);
    const rebuilt = JSON.parse(ok(runStoregc(root, ['index', 'rebuild', '--json'])).stdout.toString()) as { dirsReused: number; dirsRead: number };
    expect(rebuilt).toMatchObject({ dirsReused: 0, dirsRead: dirs.length });
    ok(runStoregc(root, ['index', 'verify']));
    const status = ok(runStoregc(root, ['index', 'status'])).stdout.toString();
    expect(status).toContain(`directories: ${dirs.length}`);
    expect(status).toMatch(/last scan: .*reused 0 of \d+ directories/);
  });

  it('index update and rebuild fail (exit 1, with the reason) when the index cannot be written', () => {
    const root = tempDir('storegc-index-');
    rootsStore(root);
    const { mkdirSync } = require('node:fs') as typeof import('node:fs');
    mkdirSync(join(root, INDEX), { recursive: true });
    for (const action of ['update', 'rebuild']) {
      const r = runStoregc(root, ['index', action]);
      expect(r.status, action).toBe(1);
      expect(r.stderr).toMatch(/warning: cannot use the roots index .*; scanning in full/);
    }
    const devNull = runStoregc(root, ['index', 'update', '--index', '/dev/null']);
    expect(devNull.status).toBe(1);
  });

  it('index status before any scan says so and creates nothing', () => {
    const root = tempDir('storegc-index-');
    rootsStore(root);
    const r = ok(runStoregc(root, ['index', 'status']));
    expect(r.stdout.toString()).toContain('no roots index yet');
    expect(readdirSync(join(root, 'var'))).not.toContain('storegc');
    expect(runStoregc(root, ['index', 'verify']).status).toBe(1);
  });

  it('a damaged index is rebuilt with a warning; the output is what a full scan prints', () => {
    const root = tempDir('storegc-index-');
    rootsStore(root);
    ok(runStoregc(root, ['roots']));
    writeFileSync(join(root, INDEX), 'this is not a database, it was damaged');
    const r = ok(runStoregc(root, ['roots']));
    expect(r.stderr).toMatch(/warning: roots index '.*roots-index\.sqlite' was unusable .*; rebuilding it/);
    expect(r.stdout.toString()).toBe(ok(runStoregc(root, ['roots', '--no-index'])).stdout.toString());
    expect(ok(runStoregc(root, ['roots'])).stderr).not.toContain('unusable');
  });

  it('an index of an older format is rebuilt with a warning, never read', () => {
    const root = tempDir('storegc-index-');
    rootsStore(root);
    ok(runStoregc(root, ['roots']));
    const db = new Database(join(root, INDEX));
    db.prepare("update meta set value = ? where key = 'version'").run(String(INDEX_VERSION - 1));
    db.close();
    const r = ok(runStoregc(root, ['roots', '--json']));
    expect(r.stderr).toMatch(new RegExp(`warning: roots index '.*roots-index\\.sqlite' was unusable \\(index format ${INDEX_VERSION - 1}, expected ${INDEX_VERSION}\\); rebuilding it`));
    expect(JSON.parse(r.stdout.toString())).toMatchObject({ index: { dirsReused: 0 } });
    expect(ok(runStoregc(root, ['roots'])).stdout.toString()).toBe(ok(runStoregc(root, ['roots', '--no-index'])).stdout.toString());
  });

  it('an index made for another state directory is not trusted', () => {
    const [a, b] = [tempDir('storegc-index-a-'), tempDir('storegc-index-b-')];
    rootsStore(a);
    rootsStore(b);
    ok(runStoregc(a, ['roots']));
    const r = ok(runStoregc(b, ['roots', '--index', join(a, INDEX)]));
    expect(r.stderr).toContain('index of another state directory');
    expect(r.stdout.toString()).toBe(ok(runStoregc(b, ['roots', '--no-index'])).stdout.toString());
  });

  it('refuses a --index file that is not a storegc index, and leaves it as it was', () => {
    const root = tempDir('storegc-index-');
    rootsStore(root);
    const precious = join(root, 'notes.txt');
    writeFileSync(precious, 'my notes\n');
    const r = runStoregc(root, ['roots', '--index', precious]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`storegc: error: not a storegc roots index; refusing to overwrite it '${precious}'; pass another --index FILE, or --no-index`]);
    expect(readFileSync(precious, 'utf8')).toBe('my notes\n');
    const nixDb = join(root, 'var/db/db.sqlite');
    const dbBefore = readFileSync(nixDb);
    expect(runStoregc(root, ['dead', '--index', nixDb]).status).toBe(2);
    expect(readFileSync(nixDb).equals(dbBefore)).toBe(true);
    // Someone's database in rollback-journal mode: not even switched to WAL.
    const theirs = join(root, 'theirs.sqlite');
    const other = new Database(theirs);
    other.exec("create table notes (body text); insert into notes values ('keep me')");
    other.close();
    const theirsBefore = readFileSync(theirs);
    expect(runStoregc(root, ['roots', '--index', theirs]).status).toBe(2);
    expect(readFileSync(theirs).equals(theirsBefore)).toBe(true);
    expect(existsSync(`${theirs}-wal`)).toBe(false);
  });
});
