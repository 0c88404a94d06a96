/**
 * ValidPaths read as columns (nixDb.ts validPathColumns: the text as the blobs SQLite stores,
 * with lengths) give what the row reader gives, paths outside ASCII, null and empty derivers,
 * null narSizes and page boundaries included; and buildGraph over them finds each path and
 * deriver by its bytes.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphValidPaths, loadGraph } from '../../src/graph/loadGraph.js';
import { fromText } from '../../src/store/bytes.js';
import { NixDbReader } from '../../src/store/nixDb.js';
import { NIX_28_SCHEMA } from '../support/nixDb.js';
import { useTempDirs } from '../support/tempDir.js';

const STORE = '/nix/store';
const tempDir = useTempDirs();

/** [path, deriver, narSize] rows, registered in this order. */
const ROWS: [string, string | null, number | null][] = [
  [`${STORE}/aaaa0000000000000000000000000000-caf\u00e9-1.0.drv`, null, 10],
  [`${STORE}/bbbb0000000000000000000000000000-caf\u00e9-1.0`, `${STORE}/aaaa0000000000000000000000000000-caf\u00e9-1.0.drv`, 20],
  [`${STORE}/cccc0000000000000000000000000000-empty-deriver`, '', null],
  [`${STORE}/dddd0000000000000000000000000000-\u65e5\u672c`, `${STORE}/ffff0000000000000000000000000000-never-valid.drv`, 0],
  [`${STORE}/0000zzzz000000000000000000000000-last`, `${STORE}/bbbb0000000000000000000000000000-caf\u00e9-1.0`, 7],
  ['/elsewhere/outside-the-store', null, 1],
  // Derivers outside the store directory, or only starting like it: no valid path.
  [`${STORE}/gggg0000000000000000000000000000-deriver-elsewhere`, '/elsewhere/x.drv', 1],
  [`${STORE}/hhhh0000000000000000000000000000-deriver-look-alike`, `${STORE}x/aaaa0000000000000000000000000000-caf\u00e9-1.0.drv`, 1],
  // A path whose name starts like a store path (no store path does), and one derived from it.
  [`${STORE}/${STORE}/iiii0000000000000000000000000000-nested.drv`, null, 1],
  [`${STORE}/jjjj0000000000000000000000000000-from-nested`, `${STORE}/${STORE}/iiii0000000000000000000000000000-nested.drv`, 1],
];

/** The rows without the one outside the store directory: then they are read without it. */
const UNDER_STORE = ROWS.filter(([path]) => path.startsWith(`${STORE}/`));

function database(rows = ROWS): string {
  const dir = tempDir('storegc-columns-');
  writeFileSync(join(dir, 'schema'), '10');
  const file = join(dir, 'db.sqlite');
  const db = new Database(file);
  db.exec(NIX_28_SCHEMA);
  const put = db.prepare('insert into ValidPaths (path, hash, registrationTime, deriver, narSize) values (?, ?, ?, ?, ?)');
  rows.forEach(([path, deriver, narSize], i) => put.run(path, 'sha256:00', 1000 + i, deriver, narSize));
  // A gap in the ids, as deletions leave.
  put.run(`${STORE}/99990000000000000000000000000000-gone`, 'sha256:00', 1500, null, 3);
  db.prepare(`delete from ValidPaths where path = '${STORE}/99990000000000000000000000000000-gone'`).run();
  put.run(`${STORE}/eeee0000000000000000000000000000-after-gap`, 'sha256:00', 2000, null, 5);
  db.close();
  return file;
}

describe('NixDbReader.validPathColumns', () => {
  it.each([1, 2, 3, 100])('equals the rows read one by one, %i rows per page', (pageRows) => {
    const reader = NixDbReader.open(database());
    try {
      const rows = [...reader.validPaths()];
      const columns = graphValidPaths(reader.validPathColumns(pageRows));
      expect(Array.from(columns.ids)).toEqual(rows.map((r) => r[0]));
      expect(Array.from(columns.narSize)).toEqual(rows.map((r) => r[3] ?? Number.NaN));
      expect(Array.from(columns.registrationTime)).toEqual(rows.map((r) => r[4]));
      expect(columns.paths.values()).toEqual(rows.map((r) => r[1]));
      expect(columns.derivers.values()).toEqual(rows.map((r) => r[2]));
    } finally {
      reader.close();
    }
  });

  it.each([1, 2, 100])('reads every path without the store directory when all are under it, %i rows per page', (pageRows) => {
    const reader = NixDbReader.open(database(UNDER_STORE));
    try {
      const rows = [...reader.validPaths()];
      const columns = graphValidPaths(reader.validPathColumns(pageRows, `${STORE}/`));
      const name = (text: string | null): string | null => (text === null || text === '' ? text : text.slice(STORE.length + 1));
      expect(columns.prefix).toBe(`${STORE}/`);
      expect(Array.from(columns.ids)).toEqual(rows.map((r) => r[0]));
      expect(columns.paths.values()).toEqual(rows.map((r) => name(r[1])));
      // Derivers likewise; one without the store directory names no valid path: null.
      expect(columns.derivers.values()).toEqual(rows.map((r) => (r[2]?.startsWith(`${STORE}/`) ? name(r[2]) : null)));
      expect(columns.derivers.values()).toContain(`${STORE}/iiii0000000000000000000000000000-nested.drv`);
    } finally {
      reader.close();
    }
  });

  it.each([
    ['a path', [...UNDER_STORE, ['/elsewhere/outside-the-store', null, 1]]],
    ['a path only starting like it', [...UNDER_STORE, [`${STORE}x/1111aaaa000000000000000000000000-x`, null, 1]]],
    ['the least path', [...UNDER_STORE, ['/aaa/first', null, 1]]],
    ['the greatest path', [...UNDER_STORE, ['/zzz/last', null, 1]]],
  ] as const)('reads them whole when %s is not under the store directory', (_, rows) => {
    const reader = NixDbReader.open(database(rows as typeof ROWS));
    try {
      const columns = graphValidPaths(reader.validPathColumns(2, `${STORE}/`));
      expect(columns.prefix).toBeUndefined();
      expect(columns.paths.values()).toEqual([...reader.validPaths()].map((r) => r[1]));
      expect(columns.derivers.values()).toEqual([...reader.validPaths()].map((r) => r[2]));
    } finally {
      reader.close();
    }
  });

  it.each([['with a path outside the store directory', ROWS], ['with every path under it (read as names)', UNDER_STORE]] as const)('builds a graph that finds paths and derivers by their bytes, %s', (_, rows) => {
    const reader = NixDbReader.open(database(rows as typeof ROWS));
    try {
      const graph = loadGraph(reader, STORE);
      const id = (path: string): number => graph.paths.idOf(fromText(path));
      const [drv, out, emptyDeriver, nonAscii, last] = ROWS.map((r) => r[0]);
      expect(graph.paths.size).toBe(rows.length + 1);
      expect(graph.paths.pathOf(id(nonAscii!))).toBe(fromText(nonAscii!));
      expect(graph.deriver[id(out!)]).toBe(id(drv!));
      expect(graph.deriver[id(last!)]).toBe(id(out!));
      // A deriver that is not a valid path, an empty one, none: no deriver.
      expect(graph.deriver[id(nonAscii!)]).toBe(-1);
      expect(graph.deriver[id(drv!)]).toBe(-1);
      expect(graph.deriver[id(emptyDeriver!)]).toBe(-1);
      expect(graph.isDrv[id(drv!)]).toBe(1);
      expect(graph.isDrv[id(out!)]).toBe(0);
      expect(graph.narSize[id(nonAscii!)]).toBe(0);
      expect(graph.narSize[id(ROWS[2]![0])]).toBeNaN();
      expect(graph.narSize[id(`${STORE}/eeee0000000000000000000000000000-after-gap`)]).toBe(5);
      if (rows === ROWS) expect(id('/elsewhere/outside-the-store')).not.toBe(-1);
      const derived = (path: string): number => graph.deriver[id(path)]!;
      expect(derived(`${STORE}/gggg0000000000000000000000000000-deriver-elsewhere`)).toBe(-1);
      expect(derived(`${STORE}/hhhh0000000000000000000000000000-deriver-look-alike`)).toBe(-1);
      // Found by its bytes even though its name starts like the store directory.
      expect(derived(`${STORE}/jjjj0000000000000000000000000000-from-nested`)).toBe(id(`${STORE}/${STORE}/iiii0000000000000000000000000000-nested.drv`));
      expect(id(`${STORE}/${STORE}/iiii0000000000000000000000000000-nested.drv`)).not.toBe(-1);
    } finally {
      reader.close();
    }
  });
});

describe('every ValidPaths id with its narSize', () => {
  it('comes by id, even where an index would give the rows in another order', () => {
    const file = database();
    const reader = NixDbReader.open(file);
    const expected = reader.validPathsAbove(0).map((r) => [r[0], r[3]]);
    reader.close();
    // An index of the operator's own, covering both columns: SQLite scans it, by narSize.
    const db = new Database(file);
    db.exec('create index ByNarSize on ValidPaths (narSize, id)');
    expect(db.prepare('select json_group_array(id) from (select id, narSize from ValidPaths)').pluck().get()).not.toBe(JSON.stringify(expected.map((r) => r[0])));
    db.close();
    const again = NixDbReader.open(file);
    try {
      const { ids, narSizes } = again.validPathIdsAndSizes();
      expect(ids.map((id, k) => [id, narSizes[k]])).toEqual(expected);
    } finally {
      again.close();
    }
  });
});
