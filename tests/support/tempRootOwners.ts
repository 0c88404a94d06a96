/**
 * Temp-root owners. An owner is alive while some process holds flock(LOCK_EX) on its
 * STATE/temproots file (reference §5.1, §5.4); the test process plays that owner through fs-ext,
 * on a descriptor kept open until `release()`. A dead owner is a file nobody holds.
 */
import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';

interface FsExt {
  flockSync(fd: number, flags: 'sh' | 'ex' | 'shnb' | 'exnb' | 'un'): void;
}

const fsExt = createRequire(import.meta.url)('fs-ext') as FsExt;

export interface HeldLocks {
  readonly files: readonly string[];
  release(): void;
}

/** Takes LOCK_EX on each file (which must exist) and keeps it until release(). */
export function holdExclusiveLocks(files: readonly string[]): HeldLocks {
  const fds: number[] = [];
  try {
    for (const f of files) {
      const fd = openSync(f, 'r+');
      fds.push(fd);
      fsExt.flockSync(fd, 'exnb');
    }
  } catch (err) {
    for (const fd of fds) closeSync(fd);
    throw err;
  }
  let open = true;
  return {
    files,
    release(): void {
      if (!open) return;
      open = false;
      for (const fd of fds) closeSync(fd);
    },
  };
}
