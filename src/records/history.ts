/**
 * The run history, `<state>/storegc/history.sqlite` (per-user cache fallback as the roots index):
 * one row per `storegc gc` run, dry runs included. A run is recorded when it starts, as
 * 'running', and the same row is completed when it ends, so a run killed mid-way stays visible
 * (`interrupted` once its process is gone). Bounded: only the newest `keep` runs are kept.
 * One class per database (house style): pragmas in one place, statements prepared once,
 * close() idempotent. The record itself is stored as JSON (bigints tagged), the columns beside
 * it are what queries need.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Settings } from '../config/settings.js';
import { StoregcError } from '../errors.js';
import { canWrite } from '../roots/index/openIndex.js';
import { locateStateFile } from '../roots/index/locateIndex.js';
import { display, fsPath } from '../store/bytes.js';
import type { RunRecord } from './runRecord.js';
import { processAlive } from './processAlive.js';

export const HISTORY_KEEP = 1000;
const HISTORY_VERSION = 1;

const SCHEMA = `
create table if not exists runs (
  id integer primary key autoincrement,
  startedAt real not null,
  finishedAt real,
  outcome text not null,
  pid integer not null,
  record text not null
);
create index if not exists runsBySuccess on runs (outcome, finishedAt);
`;

export interface StoredRun {
  readonly id: number;
  readonly pid: number;
  /** Recorded as running by a process that no longer exists: killed mid-run. */
  readonly interrupted: boolean;
  readonly run: RunRecord;
}

/** The history file for these settings, or undefined when neither the state dir nor a cache dir can hold it. */
export function locateHistory(settings: Pick<Settings, 'stateDir' | 'cacheHome'>): string | undefined {
  return locateStateFile('history', settings.stateDir, settings.cacheHome, canWrite);
}

function encode(run: RunRecord): string {
  return JSON.stringify(run, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}

function decode(text: string): RunRecord {
  return JSON.parse(text, (_k, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === '$bigint') return BigInt((v as { $bigint: string }).$bigint);
    }
    return v;
  }) as RunRecord;
}


type Row = { id: number; pid: number; outcome: string; record: string };

export class RunHistory {
  private db: Database.Database | undefined;
  private readonly insert: Database.Statement<[number, number | null, string, number, string]>;
  private readonly update: Database.Statement<[number, number | null, string, string, number]>;
  private readonly trim: Database.Statement<[number]>;
  private readonly newest: Database.Statement<[number]>;
  private readonly success: Database.Statement<[]>;

  private constructor(db: Database.Database, readonly file: string, private readonly keep: number) {
    this.db = db;
    this.insert = db.prepare('insert into runs (startedAt, finishedAt, outcome, pid, record) values (?, ?, ?, ?, ?)');
    this.update = db.prepare('update runs set startedAt = ?, finishedAt = ?, outcome = ?, record = ? where id = ?');
    this.trim = db.prepare('delete from runs where id <= (select max(id) from runs) - ?');
    this.newest = db.prepare('select id, pid, outcome, record from runs order by id desc limit ?');
    this.success = db.prepare("select max(finishedAt) from runs where outcome in ('success', 'skipped')").pluck() as Database.Statement<[]>;
  }

  /** Opens (creating the file and its directory) the history at `file`. */
  static open(file: string, keep = HISTORY_KEEP): RunHistory {
    let db: Database.Database | undefined;
    try {
      mkdirSync(fsPath(dirname(file)), { recursive: true });
      db = new Database(display(file), { timeout: 5000 });
      // WAL: a committed 'running' row survives a SIGKILL of the writer; NORMAL is enough for a log.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== 0 && version !== HISTORY_VERSION) throw new Error(`history version ${version}, expected ${HISTORY_VERSION}`);
      db.exec(SCHEMA);
      db.pragma(`user_version = ${HISTORY_VERSION}`);
      return new RunHistory(db, file, keep);
    } catch (error) {
      db?.close();
      throw new StoregcError('io', display(file), `cannot use the run history (${(error as Error).message})`, 'move the file away; it holds only past runs');
    }
  }

  /**
   * Stores `run`: a new row (returns its id) or, with `id`, completes that row. Inserting trims
   * the history to the newest `keep` runs, in the same transaction.
   */
  record(run: RunRecord, id?: number): number {
    const db = this.open();
    const finished = run.finishedAt ?? null;
    if (id !== undefined) {
      this.update.run(run.startedAt, finished, run.outcome, encode(run), id);
      return id;
    }
    return db.transaction(() => {
      const rowid = Number(this.insert.run(run.startedAt, finished, run.outcome, process.pid, encode(run)).lastInsertRowid);
      this.trim.run(this.keep);
      return rowid;
    })();
  }

  /** The newest `n` runs, newest first. */
  latest(n: number): StoredRun[] {
    this.open();
    return (this.newest.all(n) as Row[]).map((r) => ({ id: r.id, pid: r.pid, interrupted: r.outcome === 'running' && !processAlive(r.pid), run: decode(r.record) }));
  }

  /** When the newest run that succeeded (or was rightly skipped by --min-free) finished. */
  lastSuccessAt(): number | undefined {
    this.open();
    return (this.success.get() as number | null) ?? undefined;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private open(): Database.Database {
    if (this.db === undefined) throw new Error('run history used after close()');
    return this.db;
  }
}
