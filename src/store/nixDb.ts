/**
 * Read-only access to the Nix database (`STATE/db/db.sqlite`). This type has no write methods;
 * the collector's writer is a separate class. Every read is one bulk pass over a table: no
 * query per path (style habit 3). The big tables come in chunks that SQLite itself packs as
 * JSON arrays: three to five times faster than fetching a row at a time through the binding.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { StoregcError } from '../errors.js';
import { display, fsPath } from './bytes.js';
import { needsPrivateCopy, privateCopy } from './privateCopy.js';
import type { PrivateCopy } from './privateCopy.js';
import { checkSchemaVersion } from './schemaVersion.js';
import { sqliteFailure } from './sqliteFailure.js';

export type ValidPathRow = [id: number, path: string, deriver: string | null, narSize: number | null, registrationTime: number];
export type DerivationOutputRow = [drv: number, outputName: string, path: string];
/** Text of a column as SQLite stores it: each row's bytes in turn, with its length (null: a null). */
export interface TextBytes {
  readonly bytes: Buffer;
  /** In bytes; -1 or null for a null. */
  readonly lengths: ArrayLike<number | null>;
}

/** ValidPaths by column, in rowid order (NixDbReader.validPathColumns). */
export interface ValidPathColumns {
  readonly ids: Float64Array;
  /** NaN where null. */
  readonly narSize: Float64Array;
  readonly registrationTime: Float64Array;
  readonly paths: TextBytes;
  readonly derivers: TextBytes;
  /**
   * Left out before every path, when asked for and all start with it; and before every deriver,
   * where a deriver without it is null (it names no valid path).
   */
  readonly prefix?: string;
}
/** Realisations.drvPath (`sha256:<base-16 hash modulo>`), outputName, outputPath (a ValidPaths id). */
export type RealisationRow = [drvHash: string, outputName: string, outputPath: number];

/** The tables and columns storegc reads, as Nix 2.8's schema.sql has them (reference §10.8). */
const REQUIRED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  ValidPaths: ['id', 'path', 'deriver', 'narSize', 'registrationTime'],
  Refs: ['referrer', 'reference'],
  DerivationOutputs: ['drv', 'id', 'path'],
};
const CHUNK = 100_000;
/**
 * Rows per page where a large table is read as JSON arrays (one text per column, parsed here):
 * each column's text and its parsed array stay under V8's large-object size (128 KiB: 8,192
 * numbers of up to 13 digits), so they die young, in the scavenges. Pages of 100k rows were large
 * objects, garbage that only a full collection frees: `dead --no-index` at 1.3M paths peaked
 * 18 MiB higher on average, and its Refs thread's heap grew to 80 MB.
 */
export const JSON_PAGE_ROWS = 8192;

export class NixDbReader {
  /** `file` (below): the file this connection reads, the private copy if it made one. */
  private db: Database.Database | undefined;

  private constructor(db: Database.Database, private readonly copy: PrivateCopy | undefined, readonly file: string) {
    this.db = db;
  }

  /**
   * Opens read-only. SQLite may create its `-shm`/`-wal` sidecars next to a WAL database; where
   * it cannot (a user reading a root-owned store that Nix left clean, or a read-only mount), the
   * database is read from a private copy instead (see privateCopy.ts), so reading never needs
   * write access to the state directory.
   */
  static open(file: string): NixDbReader {
    if (!existsSync(fsPath(file))) {
      throw new StoregcError('db-missing', display(file), 'Nix database not found', 'set --state-dir or NIX_STATE_DIR to the directory that holds db/db.sqlite');
    }
    checkSchemaVersion(`${file.slice(0, file.lastIndexOf('/'))}/schema`);
    let db: Database.Database | undefined;
    let copy: PrivateCopy | undefined;
    try {
      try {
        db = openChecked(display(file));
      } catch (error) {
        if (!needsPrivateCopy(error)) throw error;
        copy = privateCopy(file);
        db = openChecked(copy.file);
      }
      return new NixDbReader(db, copy, copy?.file ?? display(file));
    } catch (error) {
      copy?.remove();
      throw sqliteFailure(display(file), error, 'read');
    }
  }

  private handle(): Database.Database {
    if (this.db === undefined) throw new Error('NixDbReader used after close()');
    return this.db;
  }

  maxValidPathId(): number {
    return (this.handle().prepare('select coalesce(max(id), 0) from ValidPaths').pluck().get() as number) ?? 0;
  }

  countValidPaths(): number {
    return this.handle().prepare('select count(*) from ValidPaths').pluck().get() as number;
  }

  /**
   * In table (rowid) order, CHUNK rows at a time. Not by path: walking the path index costs a
   * table lookup per row, two to three times a sequential pass; the caller sorts (cheaply).
   */
  *validPaths(): IterableIterator<ValidPathRow> {
    const page = this.handle().prepare(
      `select json_group_array(json_array(id, path, deriver, narSize, registrationTime)), max(id)
       from (select id, path, deriver, narSize, registrationTime from ValidPaths where id > ? order by id limit ${CHUNK})`,
    ).raw();
    // From below every id: ids and rowids may be zero or negative (SQLite allows any 64-bit integer).
    for (let after = -Infinity; ;) {
      const [json, last] = page.get(after) as [string, number | null];
      const rows = JSON.parse(json) as ValidPathRow[];
      yield* rows;
      if (rows.length < CHUNK || last === null) return;
      after = last;
    }
  }

  /**
   * ValidPaths as columns, in table (rowid) order: the paths and derivers as the bytes SQLite
   * stores (every row's text one after the other, as one blob per page: no string per row),
   * with each row's length in bytes (null for a null column); the numbers as JSON arrays
   * (null narSize: NaN).
   * @param pageRows rows per page (tests: pages of a few rows).
   * @param prefix left out of every path (the store directory and a slash: 57 of 101 bytes per
   *   path at 1.3M paths, 74 MB the blobs did not hold twice), when all start with it; otherwise
   *   they are read whole (`prefix` absent from the answer). Derivers likewise, where a deriver
   *   that does not start with it is null (it names no valid path: each of those starts with it).
   */
  validPathColumns(pageRows = JSON_PAGE_ROWS, prefix?: string): ValidPathColumns {
    // The blobs are the database's own text encoding: UTF-8 in every database Nix makes.
    if (this.handle().pragma('encoding', { simple: true }) !== 'UTF-8') return columnsOfRows([...this.validPaths()]);
    // substr counts characters: an ASCII prefix's are its bytes.
    // eslint-disable-next-line no-control-regex
    if (prefix !== undefined && /^[\x00-\x7f]+$/.test(prefix)) {
      const stripped = this.pagedColumns(pageRows, prefix);
      if (stripped !== undefined) return stripped;
    }
    return this.pagedColumns(pageRows)!;
  }

  /**
   * The pages of validPathColumns, and their join; with `prefix`, every path without it, or
   * undefined when one does not start with it (then read them whole). Derivers likewise.
   */
  private pagedColumns(pageRows: number, prefix?: string): ValidPathColumns | undefined {
    // Every path starts with the prefix when the least and the greatest do (paths between two
    // strings share what both start with); each is one step down the path index.
    if (prefix !== undefined) {
      const least: unknown = this.handle().prepare('select min(path) from ValidPaths').pluck().get();
      const greatest: unknown = this.handle().prepare('select max(path) from ValidPaths').pluck().get();
      const under = (p: unknown): boolean => typeof p === 'string' && p.startsWith(prefix);
      if (least !== null && !(under(least) && under(greatest))) return undefined;
    }
    const from = prefix === undefined ? 1 : prefix.length + 1;
    // A deriver without the prefix comes as null: it names no valid path, as every one has it.
    const deriver = prefix === undefined ? 'deriver' : `(case when substr(deriver, 1, ${prefix.length}) = @prefix then substr(deriver, ${from}) end)`;
    const page = this.handle().prepare(
      `select cast(group_concat(substr(path, ${from}), '') as blob), json_group_array(octet_length(path) - ${from - 1}),
              cast(group_concat(${deriver}, '') as blob), json_group_array(octet_length(${deriver})),
              json_group_array(id), json_group_array(narSize), json_group_array(registrationTime), max(id), count(*)
       from (select id, path, deriver, narSize, registrationTime from ValidPaths where id > @after order by id limit ${pageRows})`,
    ).raw();
    // Each page's blobs and parsed arrays, joined at the end.
    const pages: { paths: Buffer | null; pathLengths: (number | null)[]; derivers: Buffer | null; deriverLengths: (number | null)[]; ids: number[]; narSizes: (number | null)[]; times: number[] }[] = [];
    // From below every id: ids and rowids may be zero or negative (SQLite allows any 64-bit integer).
    for (let after = -Infinity; ;) {
      const [paths, pathLengths, derivers, deriverLengths, ids, narSizes, times, last, count] = page.get(prefix === undefined ? { after } : { after, prefix }) as [Buffer | null, string, Buffer | null, string, string, string, string, number | null, number];
      // group_concat skips nulls, and is null when every row is: the lengths say which.
      pages.push({ paths, derivers, pathLengths: JSON.parse(pathLengths), deriverLengths: JSON.parse(deriverLengths), ids: JSON.parse(ids), narSizes: JSON.parse(narSizes), times: JSON.parse(times) });
      if (count < pageRows || last === null) break;
      after = last;
    }
    const rows = pages.reduce((sum, p) => sum + p.ids.length, 0);
    const ids = new Float64Array(rows);
    const narSize = new Float64Array(rows);
    const registrationTime = new Float64Array(rows);
    let at = 0;
    for (const p of pages) {
      for (let k = 0; k < p.ids.length; k++, at++) {
        ids[at] = p.ids[k]!;
        narSize[at] = p.narSizes[k] ?? Number.NaN;
        registrationTime[at] = p.times[k]!;
      }
    }
    const text = (blobs: (Buffer | null)[], lengths: (number | null)[][]): TextBytes => {
      const all = new Int32Array(rows);
      let row = 0;
      for (const page of lengths) for (const length of page) all[row++] = length ?? -1;
      const some = blobs.filter((b) => b !== null) as Buffer[];
      // One page (up to 100k paths) is used as SQLite handed it: no copy.
      return { bytes: some.length === 1 ? some[0]! : Buffer.concat(some), lengths: all };
    };
    return {
      ids, narSize, registrationTime,
      paths: text(pages.map((p) => p.paths), pages.map((p) => p.pathLengths)),
      derivers: text(pages.map((p) => p.derivers), pages.map((p) => p.deriverLengths)),
      ...(prefix === undefined ? {} : { prefix }),
    };
  }

  /** Referrer and reference ids, paged by rowid. */
  *refChunks(): IterableIterator<{ referrers: number[]; references: number[] }> {
    const page = this.handle().prepare(
      `select json_group_array(referrer), json_group_array(reference), max(rowid)
       from (select rowid, referrer, reference from Refs where rowid > ? order by rowid limit ${JSON_PAGE_ROWS})`,
    ).raw();
    // From below every id: ids and rowids may be zero or negative (SQLite allows any 64-bit integer).
    for (let after = -Infinity; ;) {
      const [referrers, references, last] = page.get(after) as [string, string, number | null];
      const chunk = { referrers: JSON.parse(referrers) as number[], references: JSON.parse(references) as number[] };
      yield chunk;
      if (chunk.referrers.length < JSON_PAGE_ROWS || last === null) return;
      after = last;
    }
  }

  /** Ordered by derivation, then output name (Nix keeps output maps ordered by name). */
  *derivationOutputs(): IterableIterator<DerivationOutputRow> {
    const stmt = this.handle().prepare('select drv, id, path from DerivationOutputs order by drv, id').raw();
    yield* stmt.iterate() as IterableIterator<DerivationOutputRow>;
  }

  /**
   * The Realisations rows (content-addressed derivations, Nix >= 2.4 with ca-derivations), by
   * id: where one (drvPath, outputName) has several rows, the first is the one Nix's query
   * returns. Undefined when the database has no such table.
   */
  realisations(): RealisationRow[] | undefined {
    const db = this.handle();
    if (db.prepare("select 1 from sqlite_master where type = 'table' and name = 'Realisations'").get() === undefined) return undefined;
    return db.prepare('select drvPath, outputName, outputPath from Realisations order by id').raw().all() as RealisationRow[];
  }

  /**
   * Runs `read` inside one read transaction: every query in it sees the same committed state,
   * however many writers commit meanwhile (WAL readers keep their snapshot until the end).
   */
  snapshot<T>(read: () => T): T {
    const db = this.handle();
    db.exec('begin');
    try {
      return read();
    } finally {
      db.exec('commit');
    }
  }

  /** Every ValidPaths id with its narSize (the one column Nix updates in place), by id. */
  validPathIdsAndSizes(): { ids: number[]; narSizes: (number | null)[] } {
    // A scan of the table itself goes by rowid (= id), and without the ordered subquery SQLite
    // skips a copy of every row (at 1.3M paths 0.43-0.54 s against 0.59-0.66 s); the order is
    // checked, not assumed (another plan could use an index), and asked for when it is not so.
    const scan = this.columnsOfIdsAndSizes('select json_group_array(id), json_group_array(narSize) from ValidPaths');
    const ids = scan.ids;
    for (let k = 1; k < ids.length; k++) {
      if (!(ids[k]! > ids[k - 1]!)) return this.columnsOfIdsAndSizes('select json_group_array(id), json_group_array(narSize) from (select id, narSize from ValidPaths order by id)');
    }
    return scan;
  }

  private columnsOfIdsAndSizes(query: string): { ids: number[]; narSizes: (number | null)[] } {
    const [ids, sizes] = this.handle().prepare(query).raw().get() as [string, string];
    return { ids: JSON.parse(ids) as number[], narSizes: JSON.parse(sizes) as (number | null)[] };
  }

  /** ValidPaths rows with id > `after`, by id. */
  validPathsAbove(after: number): ValidPathRow[] {
    return this.handle().prepare('select id, path, deriver, narSize, registrationTime from ValidPaths where id > ? order by id').raw().all(after) as ValidPathRow[];
  }

  /** The path of one ValidPaths id, or undefined. */
  pathOfId(id: number): string | undefined {
    return this.handle().prepare('select path from ValidPaths where id = ?').pluck().get(id) as string | undefined;
  }

  /**
   * sqlite_sequence's counter for ValidPaths (AUTOINCREMENT never hands out an id at or below
   * it); undefined when the table has no AUTOINCREMENT (not Nix's schema: ids may be reused).
   */
  validPathsSequence(): number | undefined {
    const db = this.handle();
    if (db.prepare("select 1 from sqlite_master where name = 'sqlite_sequence'").get() === undefined) return undefined;
    return (db.prepare("select seq from sqlite_sequence where name = 'ValidPaths'").pluck().get() as number | undefined) ?? 0;
  }

  /**
   * Refs rows as [rowid, referrer, reference], with rowid > `after` or referrer > `referrerAbove`, by rowid.
   * Two searches merged here: as one `union … order by rowid`, SQLite scans the whole table
   * for the referrer half (450 ms at 5.2M rows, against 20 ms for both searches).
   */
  refsChangedSince(after: number, referrerAbove: number): [number, number, number][] {
    const db = this.handle();
    return unionByRowid(
      db.prepare('select rowid, referrer, reference from Refs where rowid > ?').raw().all(after) as [number, number, number][],
      db.prepare('select rowid, referrer, reference from Refs where referrer > ?').raw().all(referrerAbove) as [number, number, number][],
    );
  }

  /** Refs rows as [rowid, referrer, reference], by rowid. */
  refsWithRowids(): { rowids: number[]; referrers: number[]; references: number[] } {
    const [rowids, referrers, references] = this.handle().prepare(
      'select json_group_array(rowid), json_group_array(referrer), json_group_array(reference) from (select rowid, referrer, reference from Refs order by rowid)',
    ).raw().get() as [string, string, string];
    return { rowids: JSON.parse(rowids) as number[], referrers: JSON.parse(referrers) as number[], references: JSON.parse(references) as number[] };
  }

  /** DerivationOutputs rows as [rowid, drv, id, path], with rowid > `after` or drv > `drvAbove`. */
  derivationOutputsChangedSince(after: number, drvAbove: number): [number, number, string, string][] {
    const db = this.handle();
    return unionByRowid(
      db.prepare('select rowid, drv, id, path from DerivationOutputs where rowid > ?').raw().all(after) as [number, number, string, string][],
      db.prepare('select rowid, drv, id, path from DerivationOutputs where drv > ?').raw().all(drvAbove) as [number, number, string, string][],
    );
  }

  /** DerivationOutputs rows as [rowid, drv, id, path], by drv then output name. */
  derivationOutputsWithRowids(): [number, number, string, string][] {
    return this.handle().prepare('select rowid, drv, id, path from DerivationOutputs order by drv, id').raw().all() as [number, number, string, string][];
  }

  /** One Refs row by rowid, or undefined. */
  refAt(rowid: number): [number, number] | undefined {
    return this.handle().prepare('select referrer, reference from Refs where rowid = ?').raw().get(rowid) as [number, number] | undefined;
  }

  /** One DerivationOutputs row by rowid, or undefined. */
  derivationOutputAt(rowid: number): [number, string, string] | undefined {
    return this.handle().prepare('select drv, id, path from DerivationOutputs where rowid = ?').raw().get(rowid) as [number, string, string] | undefined;
  }

  /**
   * Row count of Refs: SQLite counts a table's b-tree pages without decoding a row (at 5.2M rows
   * 34 ms, against 510 ms for column totals).
   */
  refsCount(): number {
    return this.handle().prepare('select count(*) from Refs').pluck().get() as number;
  }

  /** Row count of DerivationOutputs. */
  derivationOutputsCount(): number {
    return this.handle().prepare('select count(*) from DerivationOutputs').pluck().get() as number;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
    this.copy?.remove();
  }
}

/** The rows of `a` and `b` (rows of one table, rowid first), each rowid once, by rowid. */
function unionByRowid<Row extends [number, ...unknown[]]>(a: Row[], b: Row[]): Row[] {
  const seen = new Set(a.map((r) => r[0]));
  return [...a, ...b.filter((r) => !seen.has(r[0]))].sort((x, y) => x[0] - y[0]);
}

/** Opens read-only and checks that the file has the tables and columns of a Nix database. */
function openChecked(name: string): Database.Database {
  const db = new Database(name, { readonly: true, fileMustExist: true, timeout: 60_000 });
  try {
    for (const [table, columns] of Object.entries(REQUIRED_COLUMNS)) {
      const have = new Set(db.prepare(`select name from pragma_table_info('${table}')`).pluck().all() as string[]);
      const missing = columns.filter((c) => !have.has(c));
      if (have.size === 0 || missing.length > 0) {
        throw new StoregcError('not-a-nix-db', name, have.size === 0 ? `not a Nix database (no table ${table})` : `not a Nix database (table ${table} lacks ${missing.join(', ')})`, 'point --state-dir at a Nix state directory');
      }
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** validPathColumns of rows decoded by the binding (a database whose text is not UTF-8). */
function columnsOfRows(rows: readonly ValidPathRow[]): ValidPathColumns {
  const text = (values: readonly (string | null)[]): TextBytes => {
    const parts = values.map((v) => (v === null ? null : Buffer.from(v, 'utf8')));
    return { bytes: Buffer.concat(parts.filter((b) => b !== null) as Buffer[]), lengths: parts.map((b) => (b === null ? null : b.length)) };
  };
  return {
    ids: Float64Array.from(rows, (r) => r[0]),
    narSize: Float64Array.from(rows, (r) => r[3] ?? Number.NaN),
    registrationTime: Float64Array.from(rows, (r) => r[4]),
    paths: text(rows.map((r) => r[1])),
    derivers: text(rows.map((r) => r[2])),
  };
}
