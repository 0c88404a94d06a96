/**
 * When each root link last changed (lstat mtime, ms), for the ages `roots --sizes` shows; NaN
 * where there is nothing to stat (no file given) or the link is gone or unreadable by now.
 */
import { lstatSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import { fsPath } from '../store/bytes.js';

export function linkTimes(files: readonly (string | null)[]): Float64Array {
  const out = new Float64Array(files.length).fill(Number.NaN);
  files.forEach((file, i) => {
    if (file === null) return;
    try {
      out[i] = lstatSync(fsPath(file)).mtimeMs;
    } catch (error) {
      const errno = errnoOf(error);
      if (errno !== 'ENOENT' && errno !== 'ENOTDIR' && errno !== 'EACCES') throw error;
    }
  });
  return out;
}
