/**
 * Recursive deletion of one store entry, as Nix's deletePath (reference §10.2): directories
 * lacking u+rwx are made accessible first (store dirs are 0555), files are never chmod'ed.
 * Bytes freed count non-directories whose link count is 1 or 2 (2 = an optimised file plus its
 * `.links` entry, which the `.links` pass then removes).
 */
import { chmodSync, lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import { fsPath } from '../store/bytes.js';
import { crashPoint } from './crashPoint.js';

export function deletePath(path: string): number {
  return deleteBuffer(fsPath(path));
}

function deleteBuffer(path: Buffer): number {
  let st;
  try {
    st = lstatSync(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return 0;
    throw error;
  }
  if (!st.isDirectory()) {
    const bytes = st.nlink <= 2 ? st.size : 0;
    ignoreMissing(() => unlinkSync(path));
    crashPoint();
    return bytes;
  }
  if ((st.mode & 0o700) !== 0o700) chmodSync(path, st.mode | 0o700);
  crashPoint();
  let bytes = 0;
  const slash = Buffer.from('/');
  for (const name of readdirSync(path, { encoding: 'buffer' })) bytes += deleteBuffer(Buffer.concat([path, slash, name]));
  ignoreMissing(() => rmdirSync(path));
  crashPoint();
  return bytes;
}

function ignoreMissing(op: () => void): void {
  try {
    op();
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
  }
}
