/**
 * The big garbage collector lock: flock(LOCK_EX) on STATE/gc.lock for the whole run, the same
 * lock Nix takes (reference §5.5 step 2). While we hold it, Nix clients stop appending temp roots
 * to their files and ask us over the gc socket instead; another collector waits.
 */
import { closeSync, constants, openSync } from 'node:fs';
import { fsPath } from '../store/bytes.js';
import { lockExclusive, tryLockExclusive } from '../store/flock.js';

export interface HeldLock {
  release(): void;
}

export function acquireGcLock(stateDir: string, onWait: () => void): HeldLock {
  const fd = openSync(fsPath(`${stateDir}/gc.lock`), constants.O_RDWR | constants.O_CREAT, 0o600);
  if (!tryLockExclusive(fd)) {
    onWait();
    lockExclusive(fd);
  }
  let held = true;
  return {
    release() {
      if (held) closeSync(fd); // closing the only descriptor drops the flock
      held = false;
    },
  };
}
