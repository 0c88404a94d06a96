/**
 * The graph cache against a full load, on a real SQLite file with Nix 2.8's schema, written the
 * way Nix 2.8 writes it (local-store.cc): registerValidPaths inserts ValidPaths rows and
 * `insert or replace` Refs and DerivationOutputs rows; re-registering a valid path is an
 * `update ValidPaths set narSize, hash` plus `insert or replace into Refs` (old pairs stay);
 * invalidatePath deletes the ValidPaths row (cascades). Also VACUUM, a database renamed into
 * place, and a writer committing while the cache is being read. After every step the graph
 * built through the cache must equal the graph of a full load, and the lineage it comes with
 * (the graph it was refreshed from, and the delta) must translate every id of that graph to the
 * id of the same path registered under the same ValidPaths id, or to none.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphDifferences } from '../../src/graph/cache/compareGraphs.js';
import { loadGraphCached } from '../../src/graph/cache/graphCache.js';
import type { RefreshOptions } from '../../src/graph/cache/refresh.js';
import type { PatchOptions } from '../../src/graph/patchGraph.js';
import { translateIds } from '../../src/graph/lineage.js';
import type { GraphLineage } from '../../src/graph/lineage.js';
import { loadGraph } from '../../src/graph/loadGraph.js';
import type { StoreGraph } from '../../src/graph/storeGraph.js';
import { NixDbReader } from '../../src/store/nixDb.js';
import { NIX_28_SCHEMA } from '../support/nixDb.js';
import { settleWrites } from '../../src/store/writeBehind.js';

const STORE = '/nix/store';
const RUNS = Number(process.env.STOREGC_PROPERTY_RUNS ?? 300);
/**
 * For the properties that must fail (a detection switched off): one seed, and no shrinking of the
 * first failure, which any failing sequence shows as well as a shrunk one (each holds the op the
 * switched-off detection is about). Shrinking took 12 to 120 s, now and then past the timeout.
 */
const CAUGHT = { seed: 20261201, endOnFailure: true } as const;
/** How each step's graph was obtained: the property means little if it were always a full load. */
const sources = { unchanged: 0, incremental: 0, patched: 0, full: 0, storedGraph: 0, filesUntouched: 0, lineage: 0 };

type Op =
  | { kind: 'register'; count: number; picks: number[]; drv: boolean; deriver: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'registerAgain'; pick: number; picks: number[]; deriver: number }
  | { kind: 'reregister'; pick: number; picks: number[]; narSize: number }
  | { kind: 'addOutput'; pick: number; name: string; target: number }
  | { kind: 'vacuum' }
  | { kind: 'replaceFile'; seed: number }
  | { kind: 'concurrentWrite'; count: number; pick: number };

const picks = fc.array(fc.nat(1000), { maxLength: 4 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('register' as const), count: fc.integer({ min: 1, max: 4 }), picks, drv: fc.boolean(), deriver: fc.nat(1000) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(1000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('registerAgain' as const), pick: fc.nat(1000), picks, deriver: fc.nat(1000) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reregister' as const), pick: fc.nat(1000), picks, narSize: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addOutput' as const), pick: fc.nat(1000), name: fc.constantFrom('out', 'dev', 'lib', 'doc'), target: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('vacuum' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replaceFile' as const), seed: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('concurrentWrite' as const), count: fc.integer({ min: 1, max: 3 }), pick: fc.nat(1000) }) },
);

/** The same operations, `kind` more often (a detection it needs is switched off). */
function opsWith(kind: Op['kind']): fc.Arbitrary<Op> {
  return fc.oneof({ weight: 1, arbitrary: op }, { weight: 1, arbitrary: op.filter((o) => o.kind === kind) });
}

/** A Nix 2.8 database being written as Nix writes it; names come from a small pool so paths come back after deletion. */
class NixWorld {
  readonly dbDir: string;
  readonly dbFile: string;
  private db: Database.Database;
  private counter = 0;
  /** Every path named so far (registered, or as an output): `registerAgain` brings one back. */
  private readonly named: string[] = [];

  constructor(readonly stateDir: string) {
    this.dbDir = join(stateDir, 'db');
    this.dbFile = join(this.dbDir, 'db.sqlite');
    mkdirSync(this.dbDir, { recursive: true });
    writeFileSync(join(this.dbDir, 'schema'), '10');
    this.db = NixWorld.create(this.dbFile);
  }

  static create(file: string): Database.Database {
    const db = new Database(file);
    db.pragma('journal_mode = wal');
    db.pragma('foreign_keys = 1');
    db.exec(NIX_28_SCHEMA);
    return db;
  }

  private ids(): number[] {
    return this.db.prepare('select id from ValidPaths order by id').pluck().all() as number[];
  }

  private pick(n: number): number | undefined {
    const ids = this.ids();
    return ids.length === 0 ? undefined : ids[n % ids.length];
  }

  private pathOf(id: number): string {
    return this.db.prepare('select path from ValidPaths where id = ?').pluck().get(id) as string;
  }

  private newPath(drv: boolean): string {
    // A pool of 40 hashes: a deleted path may be registered again (under a new id).
    const h = (this.counter++ * 7919) % 40;
    const hash = `${'abcdfghijklmnpqrsvwxyz0123456789'.charAt(h % 32)}${h.toString(32).padStart(2, '0')}`.padEnd(32, 'x');
    const path = `${STORE}/${hash}-p${h}${drv ? '.drv' : ''}`;
    this.named.push(path);
    return path;
  }

  apply(o: Op): void {
    const db = this.db;
    switch (o.kind) {
      case 'register': {
        db.transaction(() => {
          const deriverId = this.pick(o.deriver);
          const deriver = deriverId === undefined ? null : this.pathOf(deriverId);
          for (let k = 0; k < o.count; k++) {
            const path = this.newPath(o.drv && k === 0);
            if (db.prepare('select 1 from ValidPaths where path = ?').get(path) !== undefined) continue;
            const id = Number(db.prepare('insert into ValidPaths (path, hash, registrationTime, deriver, narSize) values (?, ?, ?, ?, ?)')
              .run(path, 'sha256:0', 1_700_000_000 + this.counter, deriver, 100 + k).lastInsertRowid);
            for (const p of o.picks) {
              const ref = this.pick(p);
              if (ref !== undefined) db.prepare('insert or replace into Refs (referrer, reference) values (?, ?)').run(id, ref);
            }
            if (o.drv && k === 0) db.prepare('insert or replace into DerivationOutputs (drv, id, path) values (?, ?, ?)').run(id, 'out', this.newPath(false));
          }
        })();
        return;
      }
      case 'registerAgain': {
        // A path deleted before, or an output a derivation names, registered now (a kept path's
        // deriver or a derivation's output may name it).
        const gone = [...new Set(this.named)].filter((p) => db.prepare('select 1 from ValidPaths where path = ?').get(p) === undefined);
        const path = gone[o.pick % Math.max(1, gone.length)];
        if (path === undefined) return;
        db.transaction(() => {
          const deriverId = this.pick(o.deriver);
          const id = Number(db.prepare('insert into ValidPaths (path, hash, registrationTime, deriver, narSize) values (?, ?, ?, ?, ?)')
            .run(path, 'sha256:0', 1_700_000_000 + this.counter++, deriverId === undefined ? null : this.pathOf(deriverId), 100).lastInsertRowid);
          for (const p of o.picks) {
            const ref = this.pick(p);
            if (ref !== undefined) db.prepare('insert or replace into Refs (referrer, reference) values (?, ?)').run(id, ref);
          }
        })();
        return;
      }
      case 'delete': {
        const id = this.pick(o.pick);
        if (id === undefined) return;
        // invalidatePath: only paths no other path refers to.
        if (db.prepare('select 1 from Refs where reference = ? and referrer != ?').get(id, id) !== undefined) return;
        db.prepare('delete from ValidPaths where id = ?').run(id);
        return;
      }
      case 'reregister': {
        const id = this.pick(o.pick);
        if (id === undefined) return;
        db.transaction(() => {
          db.prepare('update ValidPaths set narSize = ?, hash = ? where id = ?').run(o.narSize === 0 ? null : 1000 + o.narSize, `sha256:${o.narSize}`, id);
          // Re-registered with references (itself among them), or with none: then ValidPaths alone changes.
          for (const p of o.picks.length === 0 ? [] : [o.pick, ...o.picks]) {
            const ref = this.pick(p);
            if (ref !== undefined) db.prepare('insert or replace into Refs (referrer, reference) values (?, ?)').run(id, ref);
          }
        })();
        return;
      }
      case 'addOutput': {
        const drv = this.pick(o.pick);
        if (drv === undefined) return;
        const target = this.pick(o.target);
        const path = target !== undefined && o.target % 2 === 0 ? this.pathOf(target) : this.newPath(false);
        db.prepare('insert or replace into DerivationOutputs (drv, id, path) values (?, ?, ?)').run(drv, o.name, path);
        return;
      }
      case 'vacuum':
        db.exec('vacuum');
        return;
      case 'replaceFile': {
        // Another database renamed into place: the same ids may hold other paths.
        const temp = `${this.dbFile}.new`;
        const other = NixWorld.create(temp);
        const rows = db.prepare('select id, path, hash, registrationTime, deriver, narSize from ValidPaths order by id').raw().all() as [number, string, string, number, string | null, number | null][];
        other.transaction(() => {
          for (const [id, path, hash, time, deriver, size] of rows) {
            other.prepare('insert into ValidPaths (id, path, hash, registrationTime, deriver, narSize) values (?, ?, ?, ?, ?, ?)')
              .run(id, o.seed % 2 === 0 ? `${path}-other` : path, hash, time, deriver, size === null ? null : size + o.seed);
          }
          const refs = db.prepare('select referrer, reference from Refs order by rowid').raw().all() as [number, number][];
          for (const [a, b] of refs.reverse()) other.prepare('insert into Refs (referrer, reference) values (?, ?)').run(a, b);
        })();
        other.pragma('wal_checkpoint(truncate)');
        other.close();
        db.close();
        for (const suffix of ['-wal', '-shm']) rmSync(this.dbFile + suffix, { force: true });
        renameSync(temp, this.dbFile);
        for (const suffix of ['-wal', '-shm']) rmSync(temp + suffix, { force: true });
        this.db = NixWorld.create(this.dbFile);
        return;
      }
      case 'concurrentWrite':
        this.apply({ kind: 'register', count: o.count, picks: [o.pick], drv: o.pick % 2 === 0, deriver: o.pick });
        return;
    }
  }

  close(): void {
    this.db.close();
  }
}

function fullLoad(dbFile: string): StoreGraph {
  const reader = NixDbReader.open(dbFile);
  try {
    return loadGraph(reader, STORE);
  } finally {
    reader.close();
  }
}

/**
 * Why `lineage` does not lead from `before` to `after`, or undefined: each earlier id must map to
 * the id of the same path under the same ValidPaths id, or to -1 exactly when there is none.
 */
function lineageMismatch(lineage: GraphLineage, before: StoreGraph, after: StoreGraph): string | undefined {
  const map = translateIds(lineage, after.paths.size);
  if (map === undefined) return 'the lineage does not fit the graphs\' sizes';
  for (let old = 0; old < before.paths.size; old++) {
    const path = before.paths.pathOf(old);
    const now = after.paths.idOf(path);
    const same = now !== -1 && after.dbIds[now] === before.dbIds[old] ? now : -1;
    if (map[old] !== same) return `id ${old} (${path}) translated to ${map[old]}, expected ${same}`;
  }
  return undefined;
}

/**
 * Applies `ops`, loading through the cache after each; returns the first difference from a full load.
 * @param pauseMs with `fingerprintMarginNs`: a pause before each step, longer than the kernel's
 *   timestamp tick, standing in for the margin a real run keeps (files quiet for 3 s).
 */
function run(ops: Op[], refresh: RefreshOptions = {}, fingerprintMarginNs?: bigint, pauseMs = 0, patch: PatchOptions = {}, rowsOnThreadFrom?: number, mapFrom?: number): string[] {
  const dir = mkdtempSync('/dev/shm/storegc-gcache-');
  const world = new NixWorld(join(dir, 'var'));
  const cacheFile = join(dir, 'var/storegc/graph-cache.bin');
  // Every graph loaded, by its digest: a lineage must name one of them.
  const graphs = new Map<string, StoreGraph>();
  const checkLineage = (loaded: { graph: StoreGraph; key?: string; lineage?: GraphLineage }): string | undefined => {
    if (loaded.lineage !== undefined) {
      const before = graphs.get(loaded.lineage.previousKey);
      if (before === undefined) return 'a lineage from a graph never loaded';
      const why = lineageMismatch(loaded.lineage, before, loaded.graph);
      if (why !== undefined) return why;
      sources.lineage++;
    }
    if (loaded.key !== undefined) graphs.set(loaded.key, loaded.graph);
    return undefined;
  };
  try {
    for (const o of ops) {
      let expected: StoreGraph;
      if (pauseMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
      if (o.kind !== 'concurrentWrite') world.apply(o);
      const reader = NixDbReader.open(world.dbFile);
      try {
        if (o.kind === 'concurrentWrite') {
          // The writer commits after the cache's read transaction has taken its snapshot (the
          // scan of ValidPaths is its first read, or follows one): the cache must show the state
          // before the write, and pick the write up on the next step.
          expected = fullLoad(world.dbFile);
          const read = reader.validPathIdsAndSizes.bind(reader);
          reader.validPathIdsAndSizes = () => {
            const scanned = read();
            world.apply(o);
            return scanned;
          };
        } else {
          expected = fullLoad(world.dbFile);
        }
        // Written on a thread as the CLI writes it (writeBehind.ts): the next load waits for it.
        const request = { file: cacheFile, stateDir: world.stateDir, dbFile: world.dbFile, storeDir: STORE, refresh, patch, behind: true, ...(rowsOnThreadFrom === undefined ? {} : { rowsOnThreadFrom }), ...(fingerprintMarginNs === undefined ? {} : { fingerprintMarginNs }), ...(mapFrom === undefined ? {} : { mapFrom }) };
        const loaded = loadGraphCached(reader, request);
        const { graph, use } = loaded;
        sources[use.source]++;
        if (use.patched === true) sources.patched++;
        if (use.checked === 'files') sources.filesUntouched++;
        const diff = graphDifferences(graph, expected);
        if (diff.length > 0) return [`after ${JSON.stringify(o)}:`, ...diff];
        const badLineage = checkLineage(loaded);
        if (badLineage !== undefined) return [`after ${JSON.stringify(o)}: lineage: ${badLineage}`];
        if (o.kind !== 'concurrentWrite') {
          // Nothing changed since: served by the graph stored with the rows, which must be the same.
          const again = loadGraphCached(reader, request);
          if (again.use.source === 'unchanged') sources.storedGraph++;
          if (again.use.checked === 'files') sources.filesUntouched++;
          const diffAgain = graphDifferences(again.graph, expected);
          if (diffAgain.length > 0) return [`after ${JSON.stringify(o)}, read again from the stored graph:`, ...diffAgain];
          const badAgain = checkLineage(again);
          if (badAgain !== undefined) return [`after ${JSON.stringify(o)}, read again: lineage: ${badAgain}`];
          // The same graph read back keeps its name and the lineage it was written with.
          if (again.use.source === 'unchanged' && loaded.key !== undefined && (again.key !== loaded.key || again.lineage?.previousKey !== loaded.lineage?.previousKey)) {
            return [`after ${JSON.stringify(o)}, read again: key ${again.key} lineage ${again.lineage?.previousKey}, written as ${loaded.key} lineage ${loaded.lineage?.previousKey}`];
          }
        }
      } finally {
        reader.close();
      }
    }
    return [];
  } finally {
    world.close();
    expect(settleWrites()).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('graph cache', () => {
  it('equals a full load after every step of random Nix writes', () => {
    // Every cache file mapped (store/mapFile.ts), as large ones are where the native helper is built.
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
      expect(run(ops, {}, undefined, 0, {}, undefined, 0)).toEqual([]);
    }), { numRuns: RUNS });
    // Most steps must have been served by the cache, not by falling back.
    expect(sources.incremental + sources.unchanged).toBeGreaterThan(sources.full);
    expect(sources.storedGraph).toBeGreaterThan(RUNS);
    expect(sources.lineage).toBeGreaterThan(RUNS);
    // Most incremental steps patch the stored graph rather than build it from every row.
    expect(sources.patched).toBeGreaterThan(sources.incremental / 2);
    console.log(`graph cache steps: ${JSON.stringify(sources)}`);
  }, 60_000 + RUNS * 200);

  it.each([
    ['read on another thread (the file read, not mapped)', Number.POSITIVE_INFINITY],
    ['checked on another thread (the file mapped)', 0],
  ])('equals a full load with the cached rows %s', (_, mapFrom) => {
    // Small caches' rows are read on the calling thread (a thread costs more than the read); here
    // every one is read, or its checksums computed, on its own thread while the refresh scans ValidPaths.
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
      expect(run(ops, {}, undefined, 0, {}, 0, mapFrom)).toEqual([]);
    }), { numRuns: Math.ceil(RUNS / 10) });
  }, 120_000);

  it('equals a full load with the patch\'s edges renumbered in plain Node (native/renumber.c is the same loop)', () => {
    const before = sources.patched;
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
      expect(run(ops, {}, undefined, 0, { by: 'node' }, undefined, 0)).toEqual([]);
    }), { numRuns: Math.ceil(RUNS / 5) });
    expect(sources.patched - before).toBeGreaterThan(RUNS / 5);
  }, 120_000);

  it('equals a full load when untouched database files let it skip the refresh', () => {
    // The database files' fingerprint stands for the rows only once the files were quiet before
    // it was taken: here 15 ms (over the kernel's timestamp tick) instead of a real run's 3 s.
    const before = sources.filesUntouched;
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
      expect(run(ops, {}, 0n, 15)).toEqual([]);
    }), { numRuns: Math.ceil(RUNS / 10) });
    expect(sources.filesUntouched - before).toBeGreaterThan(RUNS / 10);
  }, 120_000);

  // The shortest ways there: a kept path's deriver deleted and registered again; a derivation's
  // unbuilt output registered. Given first (random runs find them too, but not every time).
  const derivedFromAgain: Op[] = [
    { kind: 'register', count: 1, picks: [], drv: false, deriver: 0 },
    { kind: 'register', count: 1, picks: [], drv: false, deriver: 0 },
    { kind: 'delete', pick: 0 },
    { kind: 'registerAgain', pick: 0, picks: [], deriver: 0 },
  ];
  const outputBuilt: Op[] = [
    { kind: 'register', count: 1, picks: [], drv: true, deriver: 0 },
    { kind: 'registerAgain', pick: 0, picks: [], deriver: 0 },
  ];
  it.each([
    ['derivers naming a registered path not looked for', { skipDeriverScan: true }, derivedFromAgain],
    ['registered outputs of earlier derivations not refused', { skipOutputCheck: true }, outputBuilt],
  ] as const)('is caught by the same property with %s when patching the stored graph', (_, patch, shortest) => {
    expect(run([...shortest])).toEqual([]);
    const result = fc.check(fc.property(fc.array(opsWith('registerAgain'), { minLength: 1, maxLength: 25 }), (ops) => run(ops, {}, undefined, 0, patch).length === 0), { numRuns: RUNS, examples: [[[...shortest]]], ...CAUGHT });
    expect(result.failed).toBe(true);
    expect(JSON.stringify(result.counterexample)).toContain('registerAgain');
  });

  it('is caught by the same property with rows of earlier paths patched in as if new', () => {
    const result = fc.check(fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => run(ops, {}, undefined, 0, { skipEarlierRowsCheck: true }).length === 0), { numRuns: RUNS, ...CAUGHT });
    expect(result.failed).toBe(true);
    expect(JSON.stringify(result.counterexample)).toMatch(/reregister|addOutput/);
  });

  it('is caught by the same property with narSize updates not looked for', () => {
    // A path without references re-registered with another narSize: no Refs row changes with it.
    const shortest: Op[] = [{ kind: 'register', count: 1, picks: [], drv: false, deriver: 0 }, { kind: 'reregister', pick: 0, picks: [], narSize: 3 }];
    expect(run([...shortest])).toEqual([]);
    const result = fc.check(fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => run(ops, { skipNarSizeCheck: true }).length === 0), { numRuns: RUNS, examples: [[[...shortest]]], ...CAUGHT });
    expect(result.failed).toBe(true);
    expect(JSON.stringify(result.counterexample)).toContain('reregister');
  });
});

/**
 * A full load through the cache (none to refresh) after `ops`, with Refs read on another thread
 * (refsPrefetch.ts), three rows per page; the first difference from a full load on this thread,
 * and whether the thread's rows were taken.
 * @param commitMeanwhile a write committed after the other thread took its snapshot and before
 *   this one took its own: its rows must not be taken then.
 */
function fullLoadOnThreads(withCache: boolean, ops: Op[], commitMeanwhile?: Op, prefetchRefs: true | 'unchecked' = true, pauseMs = 300): { diff: string[]; onThread: boolean } {
  const dir = mkdtempSync('/dev/shm/storegc-gcache-');
  const world = new NixWorld(join(dir, 'var'));
  try {
    world.apply({ kind: 'register', count: 3, picks: [0, 1], drv: true, deriver: 0 });
    for (const o of ops) world.apply(o);
    // Over the kernel's timestamp tick: the files are quiet before the load's fingerprint (margin 0).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 15);
    const reader = NixDbReader.open(world.dbFile);
    try {
      if (commitMeanwhile !== undefined) {
        // Before the first read of the load's transaction (the sequence through the cache, the
        // rows without), long enough after the thread started for it to hold its snapshot.
        let written = false;
        const commit = (): void => {
          if (written) return;
          written = true;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
          world.apply(commitMeanwhile);
        };
        const sequence = reader.validPathsSequence.bind(reader);
        const validPaths = reader.validPathColumns.bind(reader);
        reader.validPathsSequence = () => {
          commit();
          return sequence();
        };
        reader.validPathColumns = () => {
          commit();
          return validPaths();
        };
      }
      const loaded = loadGraphCached(reader, { file: withCache ? join(dir, 'var/storegc/graph-cache.bin') : undefined, stateDir: world.stateDir, dbFile: world.dbFile, storeDir: STORE, rebuild: true, fingerprintMarginNs: 0n, prefetchRefs, prefetchPageRows: 3 });
      const diff = graphDifferences(loaded.graph, fullLoad(world.dbFile));
      return { diff: diff.length === 0 ? [] : [`after ${JSON.stringify(ops)}:`, ...diff], onThread: loaded.use.refsOnThread === true };
    } finally {
      reader.close();
    }
  } finally {
    world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each([
  ['through the graph cache', true],
  ['without the graph cache (--no-index)', false],
])('full load with Refs read on another thread, %s', (_, withCache) => {
  it('equals a full load on this thread', () => {
    let onThread = 0;
    const runs = Math.ceil(RUNS / 10);
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
      const loaded = fullLoadOnThreads(withCache, ops);
      expect(loaded.diff).toEqual([]);
      if (loaded.onThread) onThread++;
    }), { numRuns: runs });
    // The files were quiet: the other thread's rows were taken (almost) every time.
    expect(onThread).toBeGreaterThan(runs / 2);
  }, 120_000);

  const write: Op = { kind: 'register', count: 2, picks: [0, 1, 2], drv: false, deriver: 0 };
  it('reads Refs itself when a write commits between the two threads\' snapshots', () => {
    const loaded = fullLoadOnThreads(withCache, [], write);
    expect(loaded.diff).toEqual([]);
    expect(loaded.onThread).toBe(false);
  });

  it('would show the other thread\'s rows of an earlier state, were they taken unchecked', () => {
    // Longer pauses only if the thread had not taken its snapshot yet (its rows then show the write).
    let loaded = fullLoadOnThreads(withCache, [], write, 'unchecked', 300);
    for (const pauseMs of [1000, 3000]) if (loaded.diff.length === 0) loaded = fullLoadOnThreads(withCache, [], write, 'unchecked', pauseMs);
    expect(loaded.onThread).toBe(true);
    expect(loaded.diff).not.toEqual([]);
  }, 30_000);
});
