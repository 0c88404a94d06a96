/**
 * flock(2), the lock Nix 2.8 uses on gc.lock, temproots files and db/big-lock (reference §1.3).
 * Node has none; fs-ext is a maintained native binding.
 */
import { createRequire } from 'node:module';

interface FsExt {
  flockSync(fd: number, flags: 'sh' | 'ex' | 'shnb' | 'exnb' | 'un'): void;
}

const fsExt = createRequire(import.meta.url)('fs-ext') as FsExt;

/** Takes LOCK_EX|LOCK_NB; false when another open file description holds a lock. */
export function tryLockExclusive(fd: number): boolean {
  try {
    fsExt.flockSync(fd, 'exnb');
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return false;
    throw error;
  }
}

export function lockExclusive(fd: number): void {
  fsExt.flockSync(fd, 'ex');
}

export function lockShared(fd: number): void {
  fsExt.flockSync(fd, 'sh');
}

export function unlock(fd: number): void {
  fsExt.flockSync(fd, 'un');
}
