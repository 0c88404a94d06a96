/**
 * A store of N dead small paths for deletion benchmarks: chains of 10 (each path refers to the
 * previous one; the first of each chain refers to nothing), one small file per path, plus one
 * rooted path (`gcroots/keep`) so the collector has a root to read. Returns the NIX_* variables
 * that point Nix and storegc at it.
 */
import Database from 'better-sqlite3';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NIX_28_SCHEMA } from '../../tests/support/nixDb.js';

const HASH = '0123456789abcdfghijklmnpqrsvwxyz';

function hashPart(i: number): string {
  let out = '';
  let x = i * 2654435761 + 12345;
  for (let k = 0; k < 32; k++) {
    out += HASH[Math.abs(x) % 32];
    x = Math.imul(x ^ (x >>> 13), 1274126177) + k;
  }
  return out;
}

export interface DeadStoreEnv {
  readonly NIX_STORE_DIR: string;
  readonly NIX_STATE_DIR: string;
  readonly NIX_CONF_DIR: string;
  readonly NIX_LOG_DIR: string;
}

/** Writes the store under `root` (which must exist): N dead paths and path N, rooted. */
export function writeDeadStore(root: string, n: number): DeadStoreEnv {
  const store = join(root, 'store');
  const state = join(root, 'var');
  for (const dir of [store, join(state, 'db'), join(state, 'gcroots'), join(state, 'temproots'), join(root, 'etc')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(root, 'etc', 'nix.conf'), 'sandbox = false\nbuild-users-group =\n');
  writeFileSync(join(state, 'db', 'schema'), '10');
  const db = new Database(join(state, 'db', 'db.sqlite'));
  db.pragma('journal_mode = wal');
  db.exec(NIX_28_SCHEMA);
  const insert = db.prepare('insert into ValidPaths (id, path, hash, registrationTime, narSize) values (?, ?, ?, ?, ?)');
  const ref = db.prepare('insert into Refs (referrer, reference) values (?, ?)');
  db.transaction(() => {
    for (let i = 0; i <= n; i++) {
      const path = join(store, `${hashPart(i)}-p${i}`);
      writeFileSync(path, `path ${i}\n`);
      insert.run(i + 1, path, `sha256:${'1'.repeat(52)}`, 1_700_000_000, 120);
      if (i % 10 !== 0) ref.run(i + 1, i);
    }
  })();
  db.close();
  symlinkSync(join(store, `${hashPart(n)}-p${n}`), join(state, 'gcroots', 'keep'));
  return { NIX_STORE_DIR: store, NIX_STATE_DIR: state, NIX_CONF_DIR: join(root, 'etc'), NIX_LOG_DIR: join(root, 'log') };
}
