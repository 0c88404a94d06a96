/**
 * Recursive deletion of one store entry, as Nix's deletePath (reference §10.2): directories
 * lacking u+rwx are made accessible first (store dirs are 0555), files are never chmod'ed.
 * Bytes freed count non-directories whose link count is 1 or 2 (2 = an optimised file plus its
 * `.links` entry, which the `.links` pass then removes): `bytes` is their st_size (what Nix
 * reports), `diskBytes` their st_blocks * 512 (the disk space released).
 */
import { chmodSync, lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import { fsPath } from '../store/bytes.js';
import { crashPoint } from './crashPoint.js';
import type { Freed } from './measure.js';

/** Deletes `path` recursively; returns Nix's count of bytes freed (apparent sizes). */
export function deletePath(path: string): number {
  return deletePathMeasured(path).bytes;
}

/** Deletes `path` recursively; returns both measures of what it freed. */
export function deletePathMeasured(path: string): Freed {
  const freed: Freed = { bytes: 0, diskBytes: 0 };
  deleteBuffer(fsPath(path), freed);
  return freed;
}

function deleteBuffer(path: Buffer, freed: Freed): void {
  let st;
  try {
    st = lstatSync(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return;
    throw error;
  }
  if (!st.isDirectory()) {
    ignoreMissing(() => unlinkSync(path));
    if (st.nlink <= 2) {
      freed.bytes += st.size;
      freed.diskBytes += st.blocks * 512;
    }
    crashPoint('file-unlinked');
    return;
  }
  if ((st.mode & 0o700) !== 0o700) chmodSync(path, st.mode | 0o700);
  crashPoint('dir-opened');
  const slash = Buffer.from('/');
  for (const name of readdirSync(path, { encoding: 'buffer' })) deleteBuffer(Buffer.concat([path, slash, name]), freed);
  ignoreMissing(() => rmdirSync(path));
  crashPoint('dir-removed');
}

function ignoreMissing(op: () => void): void {
  try {
    op();
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
  }
}
