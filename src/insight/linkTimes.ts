/**
 * When each root link last changed (lstat mtime, ms), for the ages `roots --sizes` shows; NaN
 * where there is nothing to stat (no file given) or the link is gone or unreadable by now.
 */
import { lstatSync } from 'node:fs';
import { errnoOf } from '../errors.js';

/** @param fileOf the file of link i, as bytes (a binary string's latin1), or null. */
export function linkTimes(count: number, fileOf: (i: number) => Uint8Array | null): Float64Array {
  const out = new Float64Array(count).fill(Number.NaN);
  for (let i = 0; i < count; i++) {
    const file = fileOf(i);
    if (file === null) continue;
    try {
      out[i] = lstatSync(file as Buffer).mtimeMs;
    } catch (error) {
      const errno = errnoOf(error);
      if (errno !== 'ENOENT' && errno !== 'ENOTDIR' && errno !== 'EACCES') throw error;
    }
  }
  return out;
}
