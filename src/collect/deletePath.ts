/**
 * Recursive deletion of store entries, as Nix's deletePath (reference §10.2): directories
 * lacking u+rwx are made accessible first (store dirs are 0555), files are never chmod'ed.
 * Bytes freed count non-directories whose link count is 1 or 2 (2 = an optimised file plus its
 * `.links` entry, which the `.links` pass then removes): `bytes` is their st_size (what Nix
 * reports), `diskBytes` their st_blocks * 512 (the disk space released).
 *
 * Entries are deleted a directory (or a batch of store paths) at a time: each is looked at
 * (lstat), directories and hard-linked files are deleted one by one as Nix does, and the files
 * with one link (nobody else's) are unlinked together, several at once, by the native helper
 * (native/unlinkEach.c: on a disk an unlink mostly waits, and sixteen in flight finish in a
 * fifth of the time of one) or one by one where it does not load.
 */
import { chmodSync, lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { errnoOf } from '../errors.js';
import { fsPath } from '../store/bytes.js';
import { native } from '../store/native.js';
import { crashPoint } from './crashPoint.js';
import type { Freed } from './measure.js';

/** Unlinks in flight at once on each thread that deletes (fileDeleter.ts: DELETE_WORKERS of them). */
const UNLINK_THREADS = 8;
/**
 * Files per native thread at least: starting a thread costs tens of microseconds, as much as an
 * unlink waits on a disk and ten times what one costs on tmpfs; a directory of a few files is
 * unlinked one by one.
 */
const FILES_PER_THREAD = 8;
const ENOENT = 2;

/** Deletes `path` recursively; returns Nix's count of bytes freed (apparent sizes). */
export function deletePath(path: string): number {
  return deletePathMeasured(path).bytes;
}

/**
 * Locks shared by threads deleting at once (several delete workers), one per stripe of inode
 * numbers. A file with one link is nobody else's; but whether a hard-linked file counts depends
 * on its link count just before its unlink (Nix counts it at 2 or fewer), so looking and
 * unlinking must not interleave with another thread's on the same inode. The inode's lock is
 * held around lstat + unlink of hard-linked files only: then every inode's count is what some
 * sequential order gives, and Nix's rule gives the same total in any order (the deletions that
 * see 2 and 1 links are always the last ones). Other inodes' files (an optimised store's are
 * all hard-linked) go on meanwhile on the other threads.
 */
let sharedLinks: Int32Array | undefined;
const LOCK_STRIPES = 64;

export function shareLinkLock(lock: SharedArrayBuffer): void {
  sharedLinks = new Int32Array(lock);
}

export function newLinkLock(): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * LOCK_STRIPES);
}

/** Deletes `path` recursively; returns both measures of what it freed. */
export function deletePathMeasured(path: string): Freed {
  const [outcome] = deletePathsMeasured([path]);
  if (outcome instanceof Error) throw outcome;
  return outcome!;
}

/** How files of one link are unlinked: together by the native helper where it loads, or one by one. */
export type UnlinkBy = 'native' | 'node';

/**
 * Deletes each of `paths` recursively: what each freed, or the first error met deleting it.
 * @param by tests only: 'node' unlinks one by one even where the native helper loads.
 */
export function deletePathsMeasured(paths: readonly string[], by: UnlinkBy = 'native'): (Freed | Error)[] {
  return deleteEach(paths.map(fsPath), by);
}

function deleteEach(paths: readonly Buffer[], by: UnlinkBy): (Freed | Error)[] {
  const outcomes: (Freed | Error)[] = new Array(paths.length);
  // Files of one link, counted now (Nix counts a file by its stat before the unlink) and
  // unlinked together below; no Stats kept meanwhile (a batch's thousands were a worker's 10 MB).
  const alone: number[] = [];
  paths.forEach((path, k) => {
    const freed: Freed = { bytes: 0, diskBytes: 0 };
    outcomes[k] = freed;
    try {
      const st = lstatOrMissing(path);
      if (st === undefined) return;
      if (!st.isDirectory() && st.nlink === 1) {
        alone.push(k);
        count(freed, st);
      } else {
        deleteOne(path, st, freed, by);
      }
    } catch (error) {
      outcomes[k] = error as Error;
    }
  });
  const errnos = unlinkAll(alone.map((k) => paths[k]!), by);
  alone.forEach((k, j) => {
    const errno = errnos[j]!;
    if (errno !== 0 && errno !== ENOENT) {
      // Once more on its own, for Node's own error (or a success, if it was passing).
      try {
        ignoreMissing(() => unlinkSync(paths[k]!));
      } catch (error) {
        outcomes[k] = error as Error;
        return;
      }
    }
    crashPoint('file-unlinked');
  });
  return outcomes;
}

/** Deletes one entry that is a directory or a hard-linked file, as Nix does. */
function deleteOne(path: Buffer, st: Stats, freed: Freed, by: UnlinkBy): void {
  if (!st.isDirectory()) {
    const lock = sharedLinks;
    if (lock !== undefined) {
      // The same inode has the same number, hence the same stripe, on every thread.
      const stripe = st.ino % lock.length;
      while (Atomics.compareExchange(lock, stripe, 0, 1) !== 0) Atomics.wait(lock, stripe, 1);
      try {
        // Looked at again under the lock: another thread may have unlinked a sibling link since.
        const now = lstatOrMissing(path);
        if (now !== undefined) unlinkCounted(path, now, freed);
      } finally {
        Atomics.store(lock, stripe, 0);
        Atomics.notify(lock, stripe, 1);
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
  const inside = deleteEach(readdirSync(path, { encoding: 'buffer' }).map((name) => Buffer.concat([path, slash, name])), by);
  for (const outcome of inside) {
    if (outcome instanceof Error) throw outcome;
    freed.bytes += outcome.bytes;
    freed.diskBytes += outcome.diskBytes;
  }
  ignoreMissing(() => rmdirSync(path));
  crashPoint('dir-removed');
}

/** Each path unlinked, several at once where the native helper loads: 0 or the errno of each. */
function unlinkAll(paths: readonly Buffer[], by: UnlinkBy): Int32Array {
  const errnos = new Int32Array(paths.length);
  const threads = Math.min(UNLINK_THREADS, Math.floor(paths.length / FILES_PER_THREAD));
  const helper = threads > 1 && by === 'native' ? native() : null;
  if (helper !== null) {
    const offsets = new Uint32Array(paths.length + 1);
    paths.forEach((p, k) => (offsets[k + 1] = offsets[k]! + p.length));
    helper.unlinkEach(Buffer.concat(paths), offsets, threads, errnos);
    return errnos;
  }
  paths.forEach((path, k) => {
    try {
      unlinkSync(path);
    } catch (error) {
      // Any errno but ENOENT is unlinked again by the caller, for its error.
      errnos[k] = errnoOf(error) === 'ENOENT' ? ENOENT : -1;
    }
  });
  return errnos;
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
  count(freed, st);
}

function count(freed: Freed, st: Stats): void {
  if (st.nlink <= 2) {
    freed.bytes += st.size;
    freed.diskBytes += st.blocks * 512;
  }
}

function ignoreMissing(op: () => void): void {
  try {
    op();
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
  }
}
