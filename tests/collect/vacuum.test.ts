/**
 * After collecting, the WAL is checkpointed and the database VACUUMed once a quarter of its pages
 * are free (not with --no-vacuum, not while another connection holds it); Nix accepts the result.
 */
import Database from 'better-sqlite3';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from './nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.dispose();
});

interface DbJson { database: { checkpointed: boolean; vacuumed: boolean; note: string | null } | null }

/** A store whose database grows with 1500 dead paths (long signatures make big rows). */
function bigDeadStore(): NixWorld {
  const w = new NixWorld();
  worlds.push(w);
  // One --register-validity for all of them (a call per path takes a minute).
  const paths = Array.from({ length: 1500 }, (_, i) => join(w.store, `${hashOf(1000 + i)}-dead-${i}`));
  for (const p of paths) writeFileSync(p, `${p}\n`);
  expect(w.nix(['--register-validity'], paths.map((p) => `${p}\n\n0\n`).join('')).status).toBe(0);
  const db = new Database(join(w.state, 'db', 'db.sqlite'));
  db.prepare('update ValidPaths set sigs = ?').run('x'.repeat(600));
  db.close();
  return w;
}

describe.runIf(HAVE_NIX)('database maintenance after gc', () => {
  it('VACUUMs when a quarter of the pages are free, and Nix accepts the database', () => {
    const w = bigDeadStore();
    const file = join(w.state, 'db', 'db.sqlite');
    const before = statSync(file).size;
    const r = w.storegc(['gc', '--json', '--no-runtime-roots']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as DbJson).database).toMatchObject({ checkpointed: true, vacuumed: true, note: null });
    expect(statSync(file).size).toBeLessThan(before / 2);
    expect(w.nix(['--verify', '--check-contents']).status).toBe(0);
  }, 120_000);

  it('--no-vacuum only checkpoints; a busy database is skipped with a note', () => {
    const w = bigDeadStore();
    const file = join(w.state, 'db', 'db.sqlite');
    const r = w.storegc(['gc', '--json', '--no-runtime-roots', '--no-vacuum']);
    expect((JSON.parse(r.stdout) as DbJson).database).toMatchObject({ checkpointed: true, vacuumed: false });
    const size = statSync(file).size;
    const free = (new Database(file, { readonly: true }).pragma('freelist_count', { simple: true }) as number);
    expect(free).toBeGreaterThan(0);
    // Another writer holds the database: VACUUM waits briefly, then is skipped, and says so.
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const busy = w.storegc(['gc', '--json', '--no-runtime-roots']);
      expect(busy.status, busy.stderr).toBe(0);
      expect((JSON.parse(busy.stdout) as DbJson).database).toMatchObject({ vacuumed: false, note: expect.stringContaining('VACUUM skipped') });
      expect(busy.stderr).toContain('storegc: note: VACUUM skipped');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(statSync(file).size).toBe(size);
    expect(w.nix(['--verify']).status).toBe(0);
  }, 120_000);
});
