/**
 * Rows as pieces (rowPieces.ts): refreshed rows written from runs of the cached ones. The
 * pieces must make exactly the rows a copy would (select, a plain loop), view the cached
 * columns rather than copy them while runs are few, and round-trip through the cache file; a
 * refresh after Nix's writes makes the rows a full read makes, as views of the cached columns.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAllRows } from '../../src/graph/cache/cachedRows.js';
import { refreshRows } from '../../src/graph/cache/refresh.js';
import { NixDbReader } from '../../src/store/nixDb.js';
import { NIX_28_SCHEMA } from '../support/nixDb.js';
import { useTempDirs } from '../support/tempDir.js';
import { decode, encode, rowsOfPieces } from '../../src/graph/cache/cacheFile.js';
import type { CachedRows } from '../../src/graph/cache/cachedRows.js';
import { MAX_RUNS, piecesOf, runsOf, splicedNumbers } from '../../src/graph/cache/rowPieces.js';
import type { NumberPieces, RowPieces } from '../../src/graph/cache/rowPieces.js';
import { TextColumn } from '../../src/graph/cache/textColumn.js';

const identity = { stateDir: '/nix/var/nix', dbDev: 1, dbIno: 2 };
const tempDir = useTempDirs();

function flat(column: NumberPieces): number[] {
  const out = column.pieces.flatMap((p) => Array.from(p));
  expect(out).toHaveLength(column.length);
  for (const p of column.pieces) expect(p instanceof Uint32Array).toBe(column.narrow);
  return out;
}

/** What the pieces must equal: the kept rows, changed ones replaced, then the tail. */
function expected(column: ArrayLike<number>, keep: Uint8Array, tail: number[], changed: Map<number, number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i] === 1) out.push(changed.get(i) ?? column[i]!);
  return [...out, ...tail];
}

const keepAndChanges = fc.integer({ min: 0, max: 60 }).chain((n) => fc.record({
  keep: fc.uint8Array({ minLength: n, maxLength: n, min: 0, max: 1 }),
  tail: fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 5 }),
  changes: fc.array(fc.tuple(fc.nat(n === 0 ? 0 : n - 1), fc.integer({ min: 0, max: 1e6 })), { maxLength: n === 0 ? 0 : 4 }),
}));

describe('splicedNumbers', () => {
  it('makes the kept rows, changed ones replaced, then the tail (float64 and 32-bit columns)', () => {
    fc.assert(fc.property(keepAndChanges, fc.boolean(), ({ keep, tail, changes }, narrow) => {
      const column = narrow ? Uint32Array.from(keep, (_, i) => i * 3) : Float64Array.from(keep, (_, i) => i + 0.5);
      // Only kept rows change (a refresh changes the narSize of kept ids).
      const changed = new Map(changes.filter(([i]) => keep[i] === 1));
      const pieces = splicedNumbers(column, runsOf(keep), tail, changed);
      expect(flat(pieces)).toEqual(expected(column, keep, tail, changed));
      expect(pieces.narrow).toBe(narrow);
    }), { numRuns: 300 });
  });

  it('views the column in runs, and copies past MAX_RUNS runs', () => {
    const column = Float64Array.from({ length: 4 * MAX_RUNS + 10 }, (_, i) => i);
    const few = new Uint8Array(column.length).fill(1);
    few[5] = 0;
    const viewed = splicedNumbers(column, runsOf(few), [7]);
    expect(viewed.pieces.slice(0, 2).every((p) => p.buffer === column.buffer)).toBe(true);
    const many = Uint8Array.from(column, (_, i) => (i % 2 === 0 ? 1 : 0));
    const copied = splicedNumbers(column, runsOf(many), [7], new Map([[4, 99]]));
    expect(copied.pieces).toHaveLength(1);
    expect(copied.pieces[0]!.buffer).not.toBe(column.buffer);
    expect(flat(copied)).toEqual(expected(column, many, [7], new Map([[4, 99]])));
  });

  it('widens a 32-bit column whose new values do not fit it', () => {
    const column = Uint32Array.of(1, 2, 3);
    const wide = splicedNumbers(column, runsOf(Uint8Array.of(1, 0, 1)), [2 ** 33]);
    expect(wide.narrow).toBe(false);
    expect(flat(wide)).toEqual([1, 3, 2 ** 33]);
  });
});

describe('TextColumn.splicedParts', () => {
  it('gives the bytes select gives, viewing the column\'s null flags and bytes', () => {
    const text = fc.option(fc.string({ maxLength: 6 }), { nil: null });
    fc.assert(fc.property(fc.array(text, { maxLength: 40 }), fc.array(text, { maxLength: 4 }), fc.infiniteStream(fc.boolean()), fc.boolean(), (values, added, flags, few) => {
      const column = TextColumn.of(values);
      const keep = Uint8Array.from(values, () => (flags.next().value ? 1 : 0));
      const parts = column.splicedParts(runsOf(keep), added, few ? 1 : MAX_RUNS);
      expect(Buffer.concat(parts)).toEqual(Buffer.concat(column.select(keep, added).parts()));
    }), { numRuns: 300 });
  });
});

function rowsOf(n: number): CachedRows {
  const paths = Array.from({ length: n }, (_, i) => `/nix/store/${String(i).padStart(32, 'a')}-p`);
  return {
    sequence: n,
    vpId: Float64Array.from(paths, (_, i) => i + 1),
    vpPath: TextColumn.of(paths),
    vpDeriver: TextColumn.of(paths.map((p, i) => (i % 3 === 0 ? null : `${p}.drv`))),
    vpNarSize: Float64Array.from(paths, (_, i) => 100 + i),
    vpRegTime: new Float64Array(n).fill(1),
    refRowid: Uint32Array.from(paths, (_, i) => i + 1),
    refReferrer: Uint32Array.from(paths, (_, i) => i + 1),
    refReference: Uint32Array.from(paths, () => 1),
    doRowid: Float64Array.of(1),
    doDrv: Float64Array.of(3),
    doName: TextColumn.of(['out']),
    doPath: TextColumn.of([paths[0]!]),
  };
}

describe('rows as pieces in the cache file', () => {
  it('decode to the rows they make, and are written as those rows held whole are', () => {
    // Read back from a file, as a refresh reads them: the pieces view that file's buffer.
    const read = decode(encode(identity, rowsOf(2000))).rows;
    const keep = Uint8Array.from({ length: 2000 }, (_, i) => (i % 97 === 5 ? 0 : 1));
    const runs = runsOf(keep);
    const pieces: RowPieces = {
      sequence: 2010,
      numbers: {
        vpId: splicedNumbers(read.vpId, runs, [2001, 2002]),
        vpNarSize: splicedNumbers(read.vpNarSize, runs, [Number.NaN, 5], new Map([[10, 7]])),
        vpRegTime: splicedNumbers(read.vpRegTime, runs, [2, 2]),
        refRowid: splicedNumbers(read.refRowid as Uint32Array, runs, [3000]),
        refReferrer: splicedNumbers(read.refReferrer as Uint32Array, runs, [2001]),
        refReference: splicedNumbers(read.refReference as Uint32Array, runs, [2 ** 32]),
        doRowid: piecesOf(read).numbers.doRowid,
        doDrv: piecesOf(read).numbers.doDrv,
      },
      texts: {
        vpPath: read.vpPath!.splicedParts(runs, ['/nix/store/x-new', '/nix/store/y-new'], MAX_RUNS),
        vpDeriver: read.vpDeriver.splicedParts(runs, [null, '/nix/store/x-new.drv'], MAX_RUNS),
        doName: read.doName.parts(),
        doPath: read.doPath.parts(),
      },
    };
    const whole = rowsOfPieces(pieces);
    const kept = (a: ArrayLike<number>): number[] => Array.from(a).filter((_, i) => keep[i] === 1);
    expect(Array.from(whole.vpId)).toEqual([...kept(read.vpId), 2001, 2002]);
    // Row 10 of the cached ones is the 10th kept (row 5 is not).
    expect(whole.vpNarSize[9]).toBe(7);
    expect(whole.vpNarSize[10]).toBe(111);
    expect(Array.from(whole.refReference).slice(-1)).toEqual([2 ** 32]);
    expect(whole.vpDeriver.values()).toEqual([...read.vpDeriver.values().filter((_, i) => keep[i] === 1), null, '/nix/store/x-new.drv']);
    expect(whole.vpPath!.values().slice(-2)).toEqual(['/nix/store/x-new', '/nix/store/y-new']);
    // The same file but for the random name of its (absent) graph.
    const [a, b] = [encode(identity, pieces), encode(identity, whole)];
    expect(a.length).toBe(b.length);
    expect(decode(a).rows).toEqual(decode(b).rows);
  });
});

describe('a refresh after Nix registered and deleted paths', () => {
  it('makes the rows a full read makes, as pieces viewing the cached columns', () => {
    const dir = tempDir('storegc-pieces-');
    writeFileSync(join(dir, 'schema'), '10');
    const dbFile = join(dir, 'db.sqlite');
    const db = new Database(dbFile);
    db.exec(NIX_28_SCHEMA);
    const path = (i: number): string => `/nix/store/${String(i).padStart(32, '0')}-p${i}`;
    const addPath = db.prepare('insert into ValidPaths (path, hash, registrationTime, narSize, deriver) values (?, ?, ?, ?, ?)');
    const addRef = db.prepare('insert into Refs (referrer, reference) values (?, ?)');
    const register = db.transaction((from: number, to: number): void => {
      for (let i = from; i < to; i++) {
        const id = Number(addPath.run(path(i), 'sha256:0', i, 100 + i, i % 2 === 0 ? `${path(i)}.drv` : null).lastInsertRowid);
        if (i > from) addRef.run(id, id - 1);
        else if (id > 1) addRef.run(id, 1);
      }
    });
    register(0, 3000);
    const reader = NixDbReader.open(dbFile);
    try {
      const cached = reader.snapshot(() => readAllRows(reader).rows());
      // Nix's own writes: paths deleted (no valid path refers to them: the last ones), one narSize changed, paths registered.
      const remove = db.prepare('delete from ValidPaths where id = ?');
      for (let id = 3000; id > 2990; id--) remove.run(id);
      db.prepare('update ValidPaths set narSize = 7 where id = 5').run();
      register(5000, 5020);
      const refreshed = reader.snapshot(() => refreshRows(reader, cached));
      const full = reader.snapshot(() => readAllRows(reader).rows());
      expect(refreshed.kind).toBe('current');
      if (refreshed.kind !== 'current' || !('numbers' in refreshed.rows)) throw new Error('no pieces');
      const { numbers } = refreshed.rows;
      // Views of the cached columns, not copies.
      expect(numbers.vpId.pieces[0]!.buffer).toBe(cached.vpId.buffer);
      expect(numbers.vpNarSize.pieces.some((p) => p.length === 1 && p[0] === 7)).toBe(true);
      expect(numbers.refReferrer.pieces[0]!.buffer).toBe(cached.refReferrer.buffer);
      expect(rowsOfPieces(refreshed.rows)).toEqual(full);
    } finally {
      reader.close();
      db.close();
    }
  });
});
