/**
 * Reading a WAL-mode Nix database without write access. SQLite needs the `-shm` file next to a
 * WAL database to read it; when Nix has left the database clean (no `-shm`, no `-wal`) and the
 * reader cannot create one (a user reading a root-owned store, or root on a read-only mount),
 * opening fails with "attempt to write a readonly database". The bundled SQLite has URI names
 * (and so `immutable=1`) turned off, so the database and its WAL are copied into a private
 * temporary directory and read there; the copy is removed on close. Nothing is written next to
 * the store's database.
 */
import { accessSync, constants, copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoregcError, errnoOf } from '../errors.js';
import { display, fsPath } from './bytes.js';

export interface PrivateCopy {
  /** The copy, as a name SQLite takes. */
  readonly file: string;
  remove(): void;
}

const CANNOT_SHARE = new Set(['SQLITE_READONLY_DIRECTORY', 'SQLITE_READONLY_CANTINIT', 'SQLITE_READONLY_RECOVERY', 'SQLITE_READONLY', 'SQLITE_CANTOPEN']);

/** Did opening fail only because SQLite could not create its sidecar files, the file being readable? */
export function needsPrivateCopy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !CANNOT_SHARE.has(code)) return false;
  return true;
}

/** A fingerprint of a file that changes when a writer touches it (absent files included). */
function fingerprint(path: string): string {
  try {
    const st = statSync(fsPath(path), { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return 'absent';
    throw error;
  }
}

/**
 * Copies `file` and its `-wal` (if any) into a fresh private directory. A writer committing
 * meanwhile changes a fingerprint, and the copy is taken again: the copy is one consistent state.
 */
export function privateCopy(file: string): PrivateCopy {
  accessSync(fsPath(file), constants.R_OK);
  const dir = mkdtempSync(join(tmpdir(), 'storegc-db-'));
  const copy = join(dir, 'db.sqlite');
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = [fingerprint(file), fingerprint(`${file}-wal`)];
      copyFileSync(fsPath(file), copy);
      rmSync(`${copy}-wal`, { force: true });
      if (before[1] !== 'absent') copyFileSync(fsPath(`${file}-wal`), `${copy}-wal`);
      if (fingerprint(file) === before[0] && fingerprint(`${file}-wal`) === before[1]) return { file: copy, remove };
    }
  } catch (error) {
    remove();
    throw new StoregcError('db-unreadable', display(file), `cannot copy the database to read it (${errnoOf(error) ?? (error as Error).message})`, `make ${tmpdir()} writable (or set TMPDIR), or run as the user that owns the store`);
  }
  remove();
  throw new StoregcError('io', display(file), 'the database kept changing while it was copied to be read', 'try again when Nix is less busy');
}
