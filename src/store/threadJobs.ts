/**
 * Work handed to a thread of the native helper's (native/threadJobs.c) while JavaScript goes on:
 * a plain thread starts in microseconds, where a worker thread boots a JavaScript engine first
 * (30-60 ms of a second core, which on two cores the store listing's thread also wants). Undefined
 * where the helper (or a thread) is not to be had: the caller does the work itself.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { native } from './native.js';
import type { NativeJob } from './native.js';

export interface CrcJob {
  /** Each piece's CRC-32, waiting for the thread if it still runs. Once. */
  take(): Uint32Array;
}

/**
 * The CRC-32 (zlib's) of each of `pieces`, continued from its seed, computed on a thread. The
 * pieces must not change until taken (a mapped file's views: they never do).
 */
export function crcOnThread(pieces: readonly Uint8Array[], seeds: readonly number[]): CrcJob | undefined {
  const helper = native();
  if (helper?.crcOnThread === undefined || helper.joinJob === undefined) return undefined;
  let job;
  try {
    job = helper.crcOnThread([...pieces], Uint32Array.from(seeds, (s) => s >>> 0));
  } catch {
    return undefined;
  }
  return taken(job);
}

/** A range of a file, and the CRC-32 its own continues. */
export interface FileRange {
  readonly at: number;
  readonly length: number;
  readonly seed: number;
}

/**
 * The CRC-32 of each range of `path`, read on a thread through a buffer of its own (pread): the
 * file's pages stay the page cache's, where checking a mapping of it made every page resident
 * in this process at once (at 1.3M paths 278 MB of peak RSS, before the run needed them). Only
 * if `path` is still the file of device `dev` and inode `ino`; undefined otherwise, or without the
 * helper. `take` throws with the errno's name when a read fails or comes short.
 */
export function crcFileOnThread(path: string | Buffer, dev: bigint, ino: bigint, ranges: readonly FileRange[]): CrcJob | undefined {
  const helper = native();
  if (helper?.crcFileOnThread === undefined || helper.joinJob === undefined) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd, { bigint: true });
    if (st.dev !== dev || st.ino !== ino) return undefined;
    const job = helper.crcFileOnThread(fd, Float64Array.from(ranges, (r) => r.at), Float64Array.from(ranges, (r) => r.length), Uint32Array.from(ranges, (r) => r.seed >>> 0));
    // The thread's from here on, closed by it.
    fd = undefined;
    return taken(job);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function taken(job: NativeJob): CrcJob {
  let crcs: Uint32Array | undefined;
  return { take: () => (crcs ??= native()!.joinJob!(job)!) };
}
