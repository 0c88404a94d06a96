/**
 * What went wrong when SQLite could not open or use a database, said the way a user can act on
 * it. Permission problems are rare for root; a corrupt file, a full disk or a read-only file
 * system are not permission problems and must not be reported as one.
 */
import { StoregcError } from '../errors.js';
import type { ErrorCode } from '../errors.js';

interface Cause {
  readonly what: string;
  readonly hint: string;
  readonly code: ErrorCode;
}

/** The SQLite result code of a better-sqlite3 error (`SQLITE_FULL`, ...), if it has one. */
function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function causeOf(error: unknown, access: 'read' | 'write'): Cause {
  const code = sqliteCode(error) ?? '';
  const message = (error as Error).message ?? String(error);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return { what: `the database is damaged (${message})`, hint: 'check it with `sqlite3 FILE "pragma integrity_check"` and restore it from a backup', code: 'db-corrupt' };
  }
  if (code === 'SQLITE_FULL') {
    return { what: 'the disk is full', hint: 'free some space on that file system (storegc gc needs a little to record deletions)', code: 'io' };
  }
  if (code === 'SQLITE_READONLY_DIRECTORY' || /read-only file system/i.test(message) || code === 'SQLITE_IOERR_WRITE' && /EROFS/.test(message)) {
    return { what: 'the database is on a read-only file system', hint: 'remount it read-write, or run a read-only command (roots, live, dead)', code: 'read-only' };
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') {
    return { what: 'the database is locked by another process', hint: 'wait for it to finish and try again', code: 'io' };
  }
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return access === 'read'
      ? { what: `cannot open the database (${message})`, hint: 'run as a user who can read it (usually root)', code: 'db-unreadable' }
      : { what: `cannot open the database for writing (${message})`, hint: 'run as the user that owns the store (usually root)', code: 'db-unreadable' };
  }
  return { what: `cannot ${access} the database (${message})`, hint: 'check the file and its file system', code: 'db-unreadable' };
}

/** A one-line StoregcError for a failure of SQLite on `file`; StoregcErrors pass through. */
export function sqliteFailure(file: string, error: unknown, access: 'read' | 'write'): StoregcError {
  if (error instanceof StoregcError) return error;
  const cause = causeOf(error, access);
  return new StoregcError(cause.code, file, cause.what, cause.hint);
}
