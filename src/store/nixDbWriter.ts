/**
 * The collector's write access to the Nix database, and the only one. Settings as Nix's own
 * (reference §10.8): foreign keys on (without them the cascades of §10.1 silently do not
 * happen), synchronous = normal, a long busy timeout, and a shared flock on db/big-lock while
 * the connection is open.
 */
import Database from 'better-sqlite3';
import { closeSync, constants, openSync } from 'node:fs';
import { StoregcError, errnoOf } from '../errors.js';
import { sqliteFailure } from './sqliteFailure.js';
import { display, fsPath } from './bytes.js';
import { crashPoint } from '../collect/crashPoint.js';
import { lockShared } from './flock.js';

export interface Invalidation {
  /** Rows removed (with their Refs and DerivationOutputs rows, by cascade). */
  readonly removed: string[];
  /** Still referenced by a valid path: kept (Nix 2.8 aborts with PathInUse here). */
  readonly inUse: string[];
}

/** What `maintain` did to the database file. */
export interface DbMaintenance {
  readonly checkpointed: boolean;
  readonly vacuumed: boolean;
  /** Free pages and all pages before VACUUM (it runs from a quarter free). */
  readonly freePages: number;
  readonly pages: number;
  readonly note: string | null;
}

export class NixDbWriter {
  private db: Database.Database | undefined;
  private readonly deleteRow: Database.Statement<[number]>;
  private readonly deleteSet: (idsJson: string) => void;
  private readonly findRow: Database.Statement<[string]>;

  private constructor(db: Database.Database, private bigLockFd: number | undefined, private readonly file: string) {
    this.db = db;
    this.deleteRow = db.prepare('delete from ValidPaths where id = ?');
    const refsOf = db.prepare('delete from Refs where referrer in (select value from json_each(?))');
    const rowsOf = db.prepare('delete from ValidPaths where id in (select value from json_each(?))');
    // A nested better-sqlite3 transaction is a savepoint: a failure undoes both statements.
    this.deleteSet = db.transaction((idsJson: string) => {
      refsOf.run(idsJson);
      rowsOf.run(idsJson);
    });
    this.findRow = db.prepare('select 1 from ValidPaths where path = ?');
  }

  static open(stateDir: string): NixDbWriter {
    const file = `${stateDir}/db/db.sqlite`;
    let bigLockFd: number | undefined;
    try {
      bigLockFd = openSync(fsPath(`${stateDir}/db/big-lock`), constants.O_RDWR | constants.O_CREAT, 0o600);
      lockShared(bigLockFd);
    } catch (error) {
      throw bigLockFailure(`${stateDir}/db/big-lock`, error);
    }
    try {
      const db = new Database(file, { fileMustExist: true, timeout: 3_600_000 });
      db.pragma('foreign_keys = 1');
      db.pragma('synchronous = normal');
      return new NixDbWriter(db, bigLockFd, display(file));
    } catch (error) {
      closeSync(bigLockFd);
      throw sqliteFailure(display(file), error, 'write');
    }
  }

  /**
   * Removes the rows of the `valid` paths in one transaction, referrers first (the caller's
   * order). A path we read as unregistered that is registered now (a Nix client added it since)
   * is reported in use, so its files are not touched.
   *
   * Fast path: two set statements (Refs by referrer, then ValidPaths by id) inside a savepoint,
   * three times faster than a statement per row, the cascades and checks being the same. If any
   * row is still referenced from outside the batch, the savepoint rolls back and the batch is
   * redone row by row to find which. ValidPaths ids are AUTOINCREMENT: never reused.
   */
  invalidate(paths: readonly { path: string; valid: boolean; dbId: number }[]): Invalidation {
    const result: Invalidation = { removed: [], inUse: [] };
    const db = this.handle();
    try {
      this.invalidateIn(db, paths, result);
    } catch (error) {
      // Nothing of this batch is removed (the transaction rolled back): say what SQLite met.
      if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('SQLITE_')) throw sqliteFailure(this.file, error, 'write');
      throw error;
    }
    return result;
  }

  private invalidateIn(db: Database.Database, paths: readonly { path: string; valid: boolean; dbId: number }[], result: Invalidation): void {
    db.transaction(() => {
      const valid: { path: string; dbId: number }[] = [];
      for (const step of paths) {
        if (step.valid) valid.push(step);
        else if (this.findRow.get(display(step.path)) !== undefined) result.inUse.push(step.path);
      }
      try {
        this.deleteSet(JSON.stringify(valid.map((v) => v.dbId)));
        for (const v of valid) result.removed.push(v.path);
        crashPoint('rows-uncommitted'); // mid-transaction: SQLite must roll the batch back
        return;
      } catch (error) {
        if (!isForeignKeyError(error)) throw error;
      }
      for (const { path, dbId } of valid) {
        try {
          this.deleteRow.run(dbId);
          result.removed.push(path);
          crashPoint('row-uncommitted');
        } catch (error) {
          if (!isForeignKeyError(error)) throw error;
          result.inUse.push(path);
        }
      }
    })();
  }

  private handle(): Database.Database {
    if (this.db === undefined) throw new Error('NixDbWriter used after close()');
    return this.db;
  }

  /**
   * After a collection: checkpoint the WAL (TRUNCATE) and, when `vacuum` and at least a quarter
   * of the pages are free, VACUUM — each only if the database can be had within `waitMs` (a Nix
   * client writing meanwhile wins; the next run tries again). Both are transactions of SQLite's
   * own: a kill in the middle leaves the database as it was, and a kill after the rows went but
   * before VACUUM leaves the free pages for the next run, which VACUUMs from the same quarter.
   */
  maintain(vacuum: boolean, waitMs = 2000): DbMaintenance {
    const db = this.handle();
    db.pragma(`busy_timeout = ${waitMs}`);
    try {
      const [busy] = db.pragma('wal_checkpoint(TRUNCATE)', { simple: false }) as [{ busy: number }];
      const checkpointed = busy !== undefined && busy.busy === 0;
      crashPoint('wal-checkpointed');
      const pages = db.pragma('page_count', { simple: true }) as number;
      const free = db.pragma('freelist_count', { simple: true }) as number;
      if (!vacuum) return { checkpointed, vacuumed: false, freePages: free, pages, note: null };
      if (pages === 0 || free / pages < 0.25) return { checkpointed, vacuumed: false, freePages: free, pages, note: null };
      try {
        db.exec('VACUUM');
        crashPoint('vacuumed');
        db.pragma('wal_checkpoint(TRUNCATE)');
        crashPoint('vacuum-checkpointed');
        return { checkpointed, vacuumed: true, freePages: free, pages, note: null };
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (!code.startsWith('SQLITE_BUSY') && code !== 'SQLITE_LOCKED') throw error;
        return { checkpointed, vacuumed: false, freePages: free, pages, note: 'VACUUM skipped: the database was busy; the next run tries again' };
      }
    } finally {
      db.pragma('busy_timeout = 3600000');
    }
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
    if (this.bigLockFd !== undefined) closeSync(this.bigLockFd);
    this.bigLockFd = undefined;
  }
}

/** One line for a failure to open or lock db/big-lock; other errors are bugs and pass. */
function bigLockFailure(file: string, error: unknown): unknown {
  const path = display(file);
  switch (errnoOf(error)) {
    case 'EACCES':
    case 'EPERM':
      return new StoregcError('permission-denied', path, 'cannot lock the Nix database (permission denied)', 'run as the user that owns the store (usually root)');
    case 'EROFS':
      return new StoregcError('read-only', path, 'cannot lock the Nix database: read-only file system', 'remount it read-write');
    case 'ENOSPC':
      return new StoregcError('io', path, 'cannot create the database lock: the disk is full', 'free some space on that file system');
    default:
      return error;
  }
}

/** A row still referenced: SQLite reports ON DELETE RESTRICT as a trigger constraint. */
function isForeignKeyError(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || (code === 'SQLITE_CONSTRAINT_TRIGGER' && message === 'FOREIGN KEY constraint failed');
}
