/**
 * Times loadGraph on a generated Nix 2.8 database: a full load, through the graph cache when it
 * is current, and after PATHS_ADDED paths registered and PATHS_DELETED deleted since the cache was
 * written. `node dist-bench/bench/graphCache.js [paths]` (default 200,000), in /dev/shm.
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGraphCached } from '../src/graph/cache/graphCache.js';
import { loadGraph } from '../src/graph/loadGraph.js';
import { NixDbReader } from '../src/store/nixDb.js';
import { NIX_28_SCHEMA } from '../tests/support/nixDb.js';
import { createRng } from '../tests/support/prng.js';

const STORE = '/nix/store';
const SIZE = Number(process.argv[2] ?? 200_000);
const PATHS_ADDED = 1000;
const PATHS_DELETED = 100;
const ALPHABET = '0123456789abcdfghijklmnpqrsvwxyz';

const rng = createRng(42);
const deleted = new Set<number>();
const hash = (): string => Array.from({ length: 32 }, () => ALPHABET.charAt(rng.int(0, 31))).join('');

function register(db: Database.Database, count: number, firstId: number): void {
  const insertPath = db.prepare('insert into ValidPaths (path, hash, registrationTime, deriver, narSize) values (?, ?, ?, ?, ?)');
  const insertRef = db.prepare('insert or replace into Refs (referrer, reference) values (?, ?)');
  const insertOut = db.prepare('insert or replace into DerivationOutputs (drv, id, path) values (?, ?, ?)');
  db.transaction(() => {
    let lastDrv: string | null = null;
    for (let i = 0; i < count; i++) {
      const isDrv = i % 4 === 0;
      const path = `${STORE}/${hash()}-p${firstId + i}${isDrv ? '.drv' : ''}`;
      const id = Number(insertPath.run(path, `sha256:${'1'.repeat(52)}`, 1_700_000_000 + i, isDrv ? null : lastDrv, 4096 + rng.int(0, 1 << 20)).lastInsertRowid);
      for (let k = 0; k < Math.min(5, id - 1); k++) {
        const ref = rng.int(1, id - 1);
        if (!deleted.has(ref)) insertRef.run(id, ref);
      }
      if (isDrv) {
        insertOut.run(id, 'out', `${STORE}/${hash()}-out${id}`);
        lastDrv = path;
      }
    }
  })();
}

function time<T>(label: string, f: () => T): T {
  const start = process.hrtime.bigint();
  const result = f();
  console.log(`${label}: ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(0)} ms`);
  return result;
}

const dir = mkdtempSync('/dev/shm/storegc-bench-gcache-');
const keep = process.env.KEEP === '1';
try {
  const stateDir = join(dir, 'var');
  const dbFile = join(stateDir, 'db/db.sqlite');
  mkdirSync(join(stateDir, 'db'), { recursive: true });
  writeFileSync(join(stateDir, 'db/schema'), '10');
  const db = new Database(dbFile);
  db.pragma('journal_mode = wal');
  db.pragma('foreign_keys = 1');
  db.exec(NIX_28_SCHEMA);
  register(db, SIZE, 1);
  db.pragma('wal_checkpoint(truncate)');
  const refs = db.prepare('select count(*) from Refs').pluck().get() as number;
  console.log(`${SIZE} paths, ${refs} refs`);
  const file = join(stateDir, 'storegc/graph-cache.bin');
  const request = { file, stateDir, dbFile, storeDir: STORE };
  const withReader = <T>(f: (r: NixDbReader) => T): T => {
    const r = NixDbReader.open(dbFile);
    try {
      return f(r);
    } finally {
      r.close();
    }
  };
  for (let round = 0; round < 2; round++) {
    withReader((r) => time('full load (loadGraph)', () => loadGraph(r, STORE)));
    rmSync(file, { force: true });
    withReader((r) => time('no cache file: full load + write cache', () => loadGraphCached(r, request)));
    console.log(`cache file: ${statSync(file).size} bytes`);
    withReader((r) => time('cache current', () => loadGraphCached(r, request)));
    const maxId = db.prepare('select max(id) from ValidPaths').pluck().get() as number;
    register(db, PATHS_ADDED, maxId + 1);
    // Delete paths nothing refers to (as the collector would).
    const dead = db.prepare('select id from ValidPaths where id not in (select reference from Refs where referrer != reference) order by id limit ?').pluck().all(PATHS_DELETED) as number[];
    const del = db.prepare('delete from ValidPaths where id = ?');
    db.transaction(() => {
      for (const id of dead) {
        del.run(id);
        deleted.add(id);
      }
    })();
    const use = withReader((r) => time(`after +${PATHS_ADDED} -${dead.length} paths`, () => loadGraphCached(r, request).use));
    console.log(`  (${use.source}, +${use.added} -${use.deleted})`);
  }
  db.close();
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
