/**
 * The graph cache file's trust rules: one of another state dir, of another format, or not ours at
 * all is rebuilt with a warning; one of another database file (inode) is silently replaced by a
 * full load; one that cannot be written costs a warning.
 */
import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/graph/cache/cacheFile.js';
import { graphDifferences } from '../../src/graph/cache/compareGraphs.js';
import { loadGraphCached } from '../../src/graph/cache/graphCache.js';
import { loadGraph } from '../../src/graph/loadGraph.js';
import { rowOf } from '../../src/graph/csr.js';
import type { GraphCacheRequest } from '../../src/graph/cache/graphCache.js';
import { NixDbReader } from '../../src/store/nixDb.js';
import { NIX_28_SCHEMA } from '../support/nixDb.js';

const STORE = '/nix/store';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function world(schema = NIX_28_SCHEMA): GraphCacheRequest & { file: string } {
  const dir = mkdtempSync('/dev/shm/storegc-gcache-unit-');
  dirs.push(dir);
  const stateDir = join(dir, 'var');
  mkdirSync(join(stateDir, 'db'), { recursive: true });
  writeFileSync(join(stateDir, 'db/schema'), '10');
  const dbFile = join(stateDir, 'db/db.sqlite');
  const db = new Database(dbFile);
  db.exec(schema);
  db.prepare('insert into ValidPaths (path, hash, registrationTime, narSize) values (?, ?, ?, ?)').run(`${STORE}/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a`, 'sha256:0', 1, 10);
  db.prepare('insert into ValidPaths (path, hash, registrationTime, narSize) values (?, ?, ?, ?)').run(`${STORE}/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-b`, 'sha256:0', 2, 20);
  db.prepare('insert into Refs (referrer, reference) values (2, 1)').run();
  db.close();
  return { file: join(stateDir, 'storegc/graph-cache.bin'), stateDir, dbFile, storeDir: STORE };
}

/** A cache file with its graph's name zeroed. */
function unnamed(file: Buffer): Buffer {
  const name = Buffer.from(decode(file).key, 'hex');
  const at = file.indexOf(name);
  return Buffer.concat([file.subarray(0, at), Buffer.alloc(name.length), file.subarray(at + name.length)]);
}

function load(request: GraphCacheRequest) {
  const reader = NixDbReader.open(request.dbFile);
  try {
    return loadGraphCached(reader, request);
  } finally {
    reader.close();
  }
}

describe('graph cache file', () => {
  it('skips the refresh only for database files untouched since a quiet look, and sees the next write', () => {
    const w = world();
    const first = load(w);
    expect(first.use.source).toBe('full');
    // Just written: the files are not quiet yet, so the next run still compares rows.
    expect(load(w).use).toMatchObject({ source: 'unchanged', checked: 'rows' });
    expect(decode(readFileSync(w.file)).fingerprint).toBeUndefined();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3200);
    // Quiet for the margin now: this run keeps the fingerprint, the next one trusts it.
    expect(load(w).use).toMatchObject({ source: 'unchanged', checked: 'rows' });
    expect(decode(readFileSync(w.file)).fingerprint).toMatch(/^db \d+:\d+:\d+:\d+:\d+ wal (none|\d+:\d+:\d+:\d+)$/);
    const trusted = load(w);
    expect(trusted.use).toMatchObject({ source: 'unchanged', checked: 'files' });
    // Written again for the fingerprint, the same graph keeps its key (what is kept for it stands).
    expect(trusted.key).toMatch(/^[0-9a-f]{56}$/);
    expect(trusted.key).toBe(first.key);
    expect(trusted.graph.paths.size).toBe(2);
    // A commit right after: seen at once, however soon.
    const db = new Database(w.dbFile);
    db.prepare('insert into ValidPaths (path, hash, registrationTime, narSize) values (?, ?, ?, ?)').run(`${STORE}/cccccccccccccccccccccccccccccccc-c`, 'sha256:0', 3, 30);
    db.close();
    const after = load(w);
    expect(after.use).toMatchObject({ source: 'incremental', added: 1 });
    expect(after.graph.paths.size).toBe(3);
    // Another graph, another key, and the next run reads it back under that key.
    expect(after.key).not.toBe(first.key);
    expect(load(w).key).toBe(after.key);
  });

  it('stays incremental when the last cached Refs row went with its invalidated path, and its rowid is reused', () => {
    const w = world();
    const db = new Database(w.dbFile);
    db.pragma('foreign_keys = on');
    const register = (path: string): number => {
      const id = Number(db.prepare('insert into ValidPaths (path, hash, registrationTime, narSize) values (?, ?, ?, ?)').run(path, 'sha256:0', 3, 30).lastInsertRowid);
      db.prepare('insert or replace into Refs (referrer, reference) values (?, 1)').run(id);
      return id;
    };
    const c = register(`${STORE}/cccccccccccccccccccccccccccccccc-c`);
    load(w);
    // C's Refs row is the last one; it goes with C, and D's row gets its rowid (max + 1).
    db.prepare('delete from ValidPaths where id = ?').run(c);
    register(`${STORE}/dddddddddddddddddddddddddddddddd-d`);
    expect(db.prepare('select max(rowid) from Refs').pluck().get()).toBe(2);
    db.close();
    const after = load(w);
    expect(after.use).toMatchObject({ source: 'incremental', added: 1, deleted: 1, patched: true });
    const reader = NixDbReader.open(w.dbFile);
    try {
      expect(graphDifferences(after.graph, loadGraph(reader, STORE))).toEqual([]);
    } finally {
      reader.close();
    }
  });

  it.each([
    ['on this thread', undefined, undefined],
    ['on another thread', 0, undefined],
    ['mapped, checked on a plain thread', 0, 0],
  ])('reads only the graph while the database is untouched; damaged rows are found when they are read (%s)', (_, rowsOnThreadFrom, mapFrom) => {
    const w = world();
    const request = { ...w, fingerprintMarginNs: 0n, ...(rowsOnThreadFrom === undefined ? {} : { rowsOnThreadFrom }), ...(mapFrom === undefined ? {} : { mapFrom }) };
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    load(request);
    load(request);
    const file = readFileSync(w.file);
    // A byte of the rows section (just before its digest): the graph and its digest are intact.
    file[file.length - 40]! ^= 1;
    writeFileSync(w.file, file);
    const untouched = load(request);
    expect(untouched.use).toMatchObject({ source: 'unchanged', checked: 'files' });
    expect(untouched.findings).toEqual([]);
    expect(untouched.graph.paths.size).toBe(2);
    // The database changes: the rows are needed, found damaged, and rebuilt with a warning.
    const db = new Database(w.dbFile);
    db.prepare('insert into ValidPaths (path, hash, registrationTime, narSize) values (?, ?, ?, ?)').run(`${STORE}/cccccccccccccccccccccccccccccccc-c`, 'sha256:0', 3, 30);
    db.close();
    const changed = load(request);
    expect(changed.use.source).toBe('full');
    expect(changed.findings.map((f) => f.code)).toEqual(['index-rebuilt']);
    expect(changed.graph.paths.size).toBe(3);
    // A damaged graph section is found at once.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    load(request);
    const again = readFileSync(w.file);
    const graph = decode(again).graph!;
    again[graph.byteOffset - again.byteOffset + Math.floor(graph.length / 2)]! ^= 1;
    writeFileSync(w.file, again);
    expect(load(request).findings.map((f) => f.code)).toEqual(['index-rebuilt']);
  });

  it.each([
    ['read on this thread', undefined, undefined],
    ['read on another thread', 0, undefined],
    ['mapped, checked on a plain thread', 0, 0],
  ])('finds a changed byte of a row by its checksum when the rows are %s', (_, rowsOnThreadFrom, mapFrom) => {
    const w = world();
    const request = { ...w, ...(rowsOnThreadFrom === undefined ? {} : { rowsOnThreadFrom }), ...(mapFrom === undefined ? {} : { mapFrom }) };
    load(request);
    load(request);
    // A byte of a registration time: nothing but the checksum can tell (the refresh compares no such column).
    const file = readFileSync(w.file);
    const { rows } = decode(file);
    file[rows.vpRegTime.byteOffset - file.byteOffset + 3]! ^= 0x10;
    writeFileSync(w.file, file);
    const db = new Database(w.dbFile);
    db.prepare('insert into ValidPaths (path, hash, registrationTime, narSize) values (?, ?, ?, ?)').run(`${STORE}/cccccccccccccccccccccccccccccccc-c`, 'sha256:0', 3, 30);
    db.close();
    const changed = load(request);
    expect(changed.findings.map((f) => f.message)).toEqual([expect.stringMatching(/was unusable \(checksum mismatch/)]);
    expect(changed.use.source).toBe('full');
    expect(changed.graph.registrationTime[0]).toBe(1);
  });

  it('is rebuilt with a warning when made for another state dir, of another format, or not ours', () => {
    const w = world();
    expect(load(w).use.source).toBe('full');
    expect(load(w).use.source).toBe('unchanged');
    const good = readFileSync(w.file);
    const { identity, rows, graph } = decode(good);
    for (const bad of [encode({ ...identity, stateDir: '/elsewhere' }, rows, [graph!]), Buffer.from('SQLite format 3\0 not a graph cache'), Buffer.alloc(0)]) {
      writeFileSync(w.file, bad);
      const { use, findings } = load(w);
      expect(use.source).toBe('full');
      expect(findings.map((f) => f.code)).toEqual(['index-rebuilt']);
      // Rebuilt: the same bytes but for the graph's name, drawn anew (cacheFile.ts).
      expect(unnamed(readFileSync(w.file)).equals(unnamed(good))).toBe(true);
    }
    // A version field changed in place (caught by the checksum before the version).
    const other = Buffer.from(good);
    other.writeUInt32LE(99, 16);
    writeFileSync(w.file, other);
    expect(load(w).findings.map((f) => f.code)).toEqual(['index-rebuilt']);
  });

  it('is not used for another database file, and says so without a warning', () => {
    const w = world();
    load(w);
    const { identity, rows, graph } = decode(readFileSync(w.file));
    writeFileSync(w.file, encode({ ...identity, dbIno: identity.dbIno + 1 }, rows, [graph!]));
    const { use, findings } = load(w);
    expect(use).toMatchObject({ source: 'full', reason: 'another database file (inode changed)' });
    expect(findings).toEqual([]);
  });

  it('warns when the cache cannot be written, and the graph is still the full load', () => {
    const w = world();
    mkdirSync(join(w.stateDir, 'storegc'));
    chmodSync(join(w.stateDir, 'storegc'), 0o500);
    try {
      const { graph, findings } = load({ ...w, file: join(w.stateDir, 'storegc/sub/graph-cache.bin') });
      expect(graph.paths.size).toBe(2);
      // Root ignores permissions: only check the code when a warning came.
      for (const f of findings) expect(f.code).toBe('index-unavailable');
      writeFileSync(join(w.stateDir, 'blocker'), '');
      const blocked = load({ ...w, file: join(w.stateDir, 'blocker/graph-cache.bin') });
      expect(blocked.findings.map((f) => f.code)).toEqual(['index-unavailable']);
    } finally {
      chmodSync(join(w.stateDir, 'storegc'), 0o700);
    }
  });

  it('reads in full when a Refs or DerivationOutputs row was deleted other than with its path (the row counts differ)', () => {
    const w = world();
    const db = new Database(w.dbFile);
    db.prepare('insert into ValidPaths (path, hash, registrationTime, narSize) values (?, ?, ?, ?)').run(`${STORE}/cccccccccccccccccccccccccccccccc-c.drv`, 'sha256:0', 3, 30);
    db.prepare('insert into Refs (referrer, reference) values (3, 1)').run();
    db.prepare('insert into Refs (referrer, reference) values (3, 2)').run();
    db.prepare('insert into DerivationOutputs (drv, id, path) values (3, ?, ?)').run('out', `${STORE}/dddddddddddddddddddddddddddddddd-d`);
    db.prepare('insert into DerivationOutputs (drv, id, path) values (3, ?, ?)').run('dev', `${STORE}/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-e`);
    load(w);
    // Not the last row (that one is looked up by rowid): only the count tells.
    db.prepare('delete from Refs where referrer = 2').run();
    db.close();
    const afterRefs = load(w);
    expect(afterRefs.use).toMatchObject({ source: 'full', reason: 'Refs differ from the cache by more than Nix\'s own writes' });
    expect([...rowOf(afterRefs.graph.references, afterRefs.graph.paths.idOf(`${STORE}/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-b`))]).toEqual([]);
    expect(load(w).use).toMatchObject({ source: 'unchanged' });
    const again = new Database(w.dbFile);
    again.prepare("delete from DerivationOutputs where id = 'out'").run();
    again.close();
    expect(load(w).use).toMatchObject({ source: 'full', reason: 'DerivationOutputs differ from the cache by more than Nix\'s own writes' });
  });

  it('never refreshes a database whose ValidPaths ids are not AUTOINCREMENT (they may be reused)', () => {
    const w = world(NIX_28_SCHEMA.replace('primary key autoincrement', 'primary key'));
    expect(load(w).use.source).toBe('full');
    const again = load(w);
    expect(again.use).toMatchObject({ source: 'full', reason: 'ValidPaths ids are not AUTOINCREMENT: they may be reused' });
    expect(again.graph.paths.size).toBe(2);
  });
});
