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
 * The caller's work is synchronous (it runs inside its read transaction), so this thread waits on
 * shared memory and takes the rows with receiveMessageOnPort, never through the event loop. The
 * worker's code is a string evaluated in the thread: it runs the same from the sources (tests)
 * as from dist, and needs nothing but better-sqlite3, whose location is handed to it.
 */
import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { IdColumn } from './cachedRows.js';
import { fingerprintDb, isQuiet } from './dbFingerprint.js';
import type { DbFingerprint } from './dbFingerprint.js';

/** Refs by rowid, as columns. */
export interface RefColumns {
  /** Empty unless asked for. */
  readonly rowids: IdColumn;
  readonly referrers: IdColumn;
  readonly references: IdColumn;
}

/** Phases the worker reports in shared memory, in order. */
const STARTED = 1;
const HOLDS_SNAPSHOT = 2;
const FINISHED = 3;
/** Refs rows per page read. */
const PAGE_ROWS = 100_000;
/** How long a thread may take to start running at all before it is given up on. */
const START_TIMEOUT_MS = 10_000;

const WORKER_CODE = `
const { workerData } = require('node:worker_threads');
const phase = new Int32Array(workerData.phase);
const report = (p) => { Atomics.store(phase, 0, p); Atomics.notify(phase, 0); };
report(${STARTED});
const port = workerData.port;
let db;
try {
  const Database = require(workerData.sqlite);
  db = new Database(workerData.file, { readonly: true, fileMustExist: true, timeout: 60000 });
  db.exec('begin');
  // The first read takes the transaction's snapshot (of the whole database).
  const max = db.prepare('select coalesce(max(rowid), 0) from Refs').pluck().get();
  report(${HOLDS_SNAPSHOT});
  // In pages by rowid into typed arrays (as idColumn in cachedRows.ts: 32 bits while every value
  // fits): no array of every row at once. There are at most max(rowid) rows.
  const names = workerData.rowids ? ['rowids', 'referrers', 'references'] : ['referrers', 'references'];
  const columns = { rowids: new Uint32Array(0), referrers: null, references: null };
  for (const name of names) columns[name] = new Uint32Array(max);
  // Without rowids (a plain load), SQLite neither writes them as JSON nor is their JSON parsed here.
  const page = db.prepare(
    'select ' + (workerData.rowids ? 'json_group_array(rowid)' : "'[]'") + ', json_group_array(referrer), json_group_array(reference), max(rowid) from (select rowid, referrer, reference from Refs where rowid > ? order by rowid limit ' + workerData.pageRows + ')',
  ).raw();
  let count = 0;
  for (let after = 0; ;) {
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
}

export class RefsPrefetch {
  private readonly phase = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private done = false;
  /** Whether `take` returned the thread's rows. */
  served = false;

  constructor(private readonly options: PrefetchOptions) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const workerData = { phase: this.phase.buffer, port: port2, file: options.file, sqlite, rowids: options.rowids, pageRows: options.pageRows ?? PAGE_ROWS };
    this.worker = new Worker(WORKER_CODE, { eval: true, workerData, transferList: [port2] });
    this.worker.unref();
  }

  /**
   * The Refs rows of the caller's snapshot, or undefined (read them yourself). Call inside the
   * caller's read transaction, after its first read.
   */
  take(): RefColumns | undefined {
    if (this.done) return undefined;
    try {
      if (!this.waitFor(STARTED, START_TIMEOUT_MS)) return undefined;
      this.waitFor(HOLDS_SNAPSHOT);
      // Both transactions hold their snapshot now (or the worker failed: its message says so).
      const { before, marginNs, dbFile, checkSameState = true } = this.options;
      const sameState = isQuiet(before, marginNs) && fingerprintDb(dbFile).key === before.key;
      if (!sameState && checkSameState) return undefined;
      this.waitFor(FINISHED);
      const message = receiveMessageOnPort(this.port)?.message as { columns?: RefColumns } | undefined;
      this.served = message?.columns !== undefined;
      return message?.columns;
    } finally {
      this.close();
    }
  }

  /** Stops the thread if it still runs; idempotent. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.port.close();
    if (Atomics.load(this.phase, 0) !== FINISHED) void this.worker.terminate();
  }

  /** Blocks until the worker reached `phase`; false when `timeoutMs` passed first. */
  private waitFor(phase: number, timeoutMs = Infinity): boolean {
    const until = Date.now() + timeoutMs;
    for (let now = Atomics.load(this.phase, 0); now < phase; now = Atomics.load(this.phase, 0)) {
      const left = until - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.phase, 0, now, Math.min(left, 1000));
    }
    return true;
  }
}
