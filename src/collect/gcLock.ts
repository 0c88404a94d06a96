/**
 * The big garbage collector lock: flock(LOCK_EX) on STATE/gc.lock for the whole run, the same
 * lock Nix takes (reference §5.5 step 2). While we hold it, Nix clients stop appending temp roots
 * to their files and ask us over the gc socket instead; another collector waits.
 */
import { closeSync, constants, openSync } from 'node:fs';
import { StoregcError, errnoOf } from '../errors.js';
import { display, fsPath } from '../store/bytes.js';
import { tryLockExclusive } from '../store/flock.js';

const POLL_MS = 50;

export interface HeldLock {
  release(): void;
}

/**
 * Takes the lock; undefined when `signal` aborts while another process holds it. The wait
 * polls instead of blocking in flock(2) so that SIGINT/SIGTERM handlers can run meanwhile.
 */
export async function acquireGcLock(stateDir: string, onWait: () => void, signal?: AbortSignal): Promise<HeldLock | undefined> {
  const file = `${stateDir}/gc.lock`;
  let fd: number;
  try {
    fd = openSync(fsPath(file), constants.O_RDWR | constants.O_CREAT, 0o600);
  } catch (error) {
    throw lockFailure(file, error);
  }
  try {
    if (!tryLockExclusive(fd)) {
      onWait();
      while (!tryLockExclusive(fd)) {
        if (signal?.aborted === true) {
          closeSync(fd);
          return undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
  } catch (error) {
    closeSync(fd);
    throw lockFailure(file, error);
  }
  let held = true;
  return {
    release() {
      if (held) closeSync(fd); // closing the only descriptor drops the flock
      held = false;
    },
  };
}

/** One line a user can act on for the errors opening or locking gc.lock can meet; else rethrows. */
function lockFailure(file: string, error: unknown): unknown {
  const path = display(file);
  switch (errnoOf(error)) {
    case 'EACCES':
    case 'EPERM':
      return new StoregcError('permission-denied', path, 'nothing deleted: cannot open the garbage collector lock (permission denied)', 'run as the user that owns the store (usually root)');
    case 'EROFS':
      return new StoregcError('read-only', path, 'nothing deleted: cannot create the garbage collector lock on a read-only file system', 'run where the state directory is writable');
    case 'ENOENT':
    case 'ENOTDIR':
      return new StoregcError('config', path, 'the state directory does not exist', 'set --state-dir or NIX_STATE_DIR to the directory that holds db/db.sqlite');
    default:
      return error;
  }
}
