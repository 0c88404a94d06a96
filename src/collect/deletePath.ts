/**
 * Recursive deletion of one store entry, as Nix's deletePath (reference §10.2): directories
 * lacking u+rwx are made accessible first (store dirs are 0555), files are never chmod'ed.
 * Bytes freed count non-directories whose link count is 1 or 2 (2 = an optimised file plus its
 * `.links` entry, which the `.links` pass then removes): `bytes` is their st_size (what Nix
 * reports), `diskBytes` their st_blocks * 512 (the disk space released).
 */
import { chmodSync, lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { errnoOf } from '../errors.js';
import { fsPath } from '../store/bytes.js';
import { crashPoint } from './crashPoint.js';
import type { Freed } from './measure.js';

/** Deletes `path` recursively; returns Nix's count of bytes freed (apparent sizes). */
export function deletePath(path: string): number {
  return deletePathMeasured(path).bytes;
}

/**
 * A lock shared by threads deleting at once (several delete workers). A file with one link is
 * nobody else's; but whether a hard-linked file counts depends on its link count just before its
 * unlink (Nix counts it at 2 or fewer), so looking and unlinking must not interleave with another
 * thread's on the same inode. Held around lstat + unlink of hard-linked files only: then every
 * inode's count is what some sequential order gives, and Nix's rule gives the same total in any
 * order (the deletions that see 2 and 1 links are always the last ones).
 */
let sharedLinks: Int32Array | undefined;

export function shareLinkLock(lock: SharedArrayBuffer): void {
  sharedLinks = new Int32Array(lock);
}

export function newLinkLock(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}

/** Deletes `path` recursively; returns both measures of what it freed. */
export function deletePathMeasured(path: string): Freed {
  const freed: Freed = { bytes: 0, diskBytes: 0 };
  deleteBuffer(fsPath(path), freed);
  return freed;
}

function lstatOrMissing(path: Buffer): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function unlinkCounted(path: Buffer, st: Stats, freed: Freed): void {
  ignoreMissing(() => unlinkSync(path));
  if (st.nlink <= 2) {
    freed.bytes += st.size;
    freed.diskBytes += st.blocks * 512;
  }
}

function deleteBuffer(path: Buffer, freed: Freed): void {
  const st = lstatOrMissing(path);
  if (st === undefined) return;
  if (!st.isDirectory()) {
    const lock = sharedLinks;
    if (st.nlink > 1 && lock !== undefined) {
      while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) Atomics.wait(lock, 0, 1);
      try {
        // Looked at again under the lock: another thread may have unlinked a sibling link since.
        const now = lstatOrMissing(path);
        if (now !== undefined) unlinkCounted(path, now, freed);
      } finally {
        Atomics.store(lock, 0, 0);
        Atomics.notify(lock, 0, 1);
      }
    } else {
      unlinkCounted(path, st, freed);
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
