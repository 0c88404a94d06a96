/**
 * Free space on the file system holding a directory, as statfs reports it: `free` is what an
 * unprivileged user may use (f_bavail, what Nix's auto-GC reads), `size` the whole file system
 * (f_blocks), which percentage targets are taken of.
 */
import { statfsSync } from 'node:fs';
import { fsPath } from './bytes.js';

export interface FreeSpace {
  readonly size: bigint;
  readonly free: bigint;
}

/** Throws what statfs throws (the directory is gone, say). */
export function measureFreeSpace(dir: string): FreeSpace {
  const fs = statfsSync(fsPath(dir), { bigint: true });
  return { size: fs.blocks * fs.bsize, free: fs.bavail * fs.bsize };
}

/** Free bytes, or undefined when statfs fails: for records and reports, which go on without. */
export function freeBytesOf(dir: string): bigint | undefined {
  try {
    return measureFreeSpace(dir).free;
  } catch {
    return undefined;
  }
}
