/**
 * Refs read on a second thread, through a second read-only connection, while this thread reads
 * ValidPaths and builds the path table: a full load keeps both cores busy (Refs is the largest
 * table, about a third of a full load's time at 200k paths).
 *
 * A second connection has a read transaction of its own, so its rows may belong to another
 * state of the database than the caller's. They are used only when both transactions provably
 * began on one state: the database files were quiet before a fingerprint taken before either
 * began (dbFingerprint.ts: quiet for the margin, so no write hides in that timestamp tick), and
 * a fingerprint taken once both hold their snapshot is the same. Then no commit happened between
 * the two looks, and both snapshots are the state at the first. Otherwise, or when the thread
 * fails, the caller reads Refs itself (`take` returns undefined).
 *
 * The caller's work is synchronous (it runs inside its read transaction), so it waits for this
 * thread on shared memory (syncThread.ts), and gives up on it when it stops making progress.
 * The worker's code needs nothing but better-sqlite3, whose location is handed to it.
 */
import { createRequire } from 'node:module';
import type { IdColumn } from './cachedRows.js';
import { fingerprintDb, isQuiet } from './dbFingerprint.js';
import type { DbFingerprint } from './dbFingerprint.js';
import { SyncThread } from './syncThread.js';
import { JSON_PAGE_ROWS } from '../../store/nixDb.js';

/** Refs by rowid, as columns. */
export interface RefColumns {
  /** Empty unless asked for. */
  readonly rowids: IdColumn;
  readonly referrers: IdColumn;
  readonly references: IdColumn;
}

/** Phases the worker reports in shared memory, in order (after syncThread.ts's STARTED). */
const HOLDS_SNAPSHOT = 2;
const FINISHED = 3;
/** Refs rows per page read: small enough that each page's JSON dies young (nixDb.ts). */
const PAGE_ROWS = JSON_PAGE_ROWS;

const WORKER_CODE = `
const port = workerData.port;
let db;
try {
  const Database = require(workerData.sqlite);
  db = new Database(workerData.file, { readonly: true, fileMustExist: true, timeout: 60000 });
  db.exec('begin');
  // The first read takes the transaction's snapshot (of the whole database).
  const rows = db.prepare('select count(*) from Refs').pluck().get();
  report(${HOLDS_SNAPSHOT});
  // In pages by rowid into typed arrays (as idColumn in cachedRows.ts: 32 bits while every value
  // fits): no array of every row at once. As many rows as counted in this snapshot (not
  // max(rowid): rowids of a table whose rows are deleted for years are far apart).
  const names = workerData.rowids ? ['rowids', 'referrers', 'references'] : ['referrers', 'references'];
  const columns = { rowids: new Uint32Array(0), referrers: null, references: null };
  for (const name of names) columns[name] = new Uint32Array(rows);
  // Without rowids (a plain load), SQLite neither writes them as JSON nor is their JSON parsed here.
  const page = db.prepare(
    'select ' + (workerData.rowids ? 'json_group_array(rowid)' : "'[]'") + ', json_group_array(referrer), json_group_array(reference), max(rowid) from (select rowid, referrer, reference from Refs where rowid > ? order by rowid limit ' + workerData.pageRows + ')',
  ).raw();
  let count = 0;
  // From below every rowid (zero and negative ones are rowids too).
  for (let after = -Infinity; ;) {
    const [rowids, referrers, references, last] = page.get(after);
    const values = { rowids: JSON.parse(rowids), referrers: JSON.parse(referrers), references: JSON.parse(references) };
    const n = values.referrers.length;
    for (const name of names) {
      let column = columns[name];
      const chunk = values[name];
      if (count + n > column.length || (column instanceof Uint32Array && !chunk.every((v) => v >= 0 && v <= 0xffffffff && Math.floor(v) === v))) {
        const wider = column instanceof Uint32Array && !chunk.every((v) => v >= 0 && v <= 0xffffffff && Math.floor(v) === v) ? Float64Array : column.constructor;
        const grown = new wider(Math.max(count + n, column.length));
        grown.set(column.subarray(0, count));
        columns[name] = column = grown;
      }
      column.set(chunk, count);
    }
    count += n;
    beat();
    if (n < workerData.pageRows || last === null) break;
    after = last;
  }
  // Copied when much of the room stayed empty (rows deleted), else a view (transferred whole).
  for (const name of names) {
    const column = columns[name];
    columns[name] = count < column.length * 0.9 ? column.slice(0, count) : column.subarray(0, count);
  }
  port.postMessage({ columns }, names.map((name) => columns[name].buffer));
} catch (error) {
  port.postMessage({ error: String(error && error.message || error) });
} finally {
  try { if (db) { db.exec('commit'); db.close(); } } catch {}
  report(${FINISHED});
}
`;

export interface PrefetchOptions {
  /** The database file the caller's connection reads (its private copy, if it made one). */
  readonly file: string;
  /** The database file whose fingerprint `before` is. */
  readonly dbFile: string;
  /** The fingerprint of the database files taken before the caller's transaction began. */
  readonly before: DbFingerprint;
  /** Read the rowids too (the graph cache keeps them; a plain load does not need them). */
  readonly rowids: boolean;
  /** Tests only: how long the files must have been quiet before `before`. */
  readonly marginNs?: bigint;
  /** Tests only: false takes the thread's rows whatever state they are of. */
  readonly checkSameState?: boolean;
  /** Tests only: rows per page read. */
  readonly pageRows?: number;
  /** Tests only: how long the thread may make no progress before it is given up on. */
  readonly stallMs?: number;
}

export class RefsPrefetch {
  private readonly thread: SyncThread;
  private done = false;
  /** Whether `take` returned the thread's rows. */
  served = false;

  constructor(private readonly options: PrefetchOptions) {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const data = { file: options.file, sqlite, rowids: options.rowids, pageRows: options.pageRows ?? PAGE_ROWS };
    this.thread = new SyncThread(WORKER_CODE, data, FINISHED, options.stallMs === undefined ? {} : { stallMs: options.stallMs });
  }

  /**
   * The Refs rows of the caller's snapshot, or undefined (read them yourself). Call inside the
   * caller's read transaction, after its first read.
   */
  take(): RefColumns | undefined {
    if (this.done) return undefined;
    try {
      if (!this.thread.waitFor(HOLDS_SNAPSHOT)) return undefined;
      // Both transactions hold their snapshot now (or the worker failed: its message says so).
      const { before, marginNs, dbFile, checkSameState = true } = this.options;
      const sameState = isQuiet(before, marginNs) && fingerprintDb(dbFile).key === before.key;
      if (!sameState && checkSameState) return undefined;
      const columns = this.thread.answer<{ columns?: RefColumns }>()?.columns;
      this.served = columns !== undefined;
      return columns;
    } finally {
      this.close();
    }
  }

  /** Stops the thread if it still runs; idempotent. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.thread.close();
  }
}
