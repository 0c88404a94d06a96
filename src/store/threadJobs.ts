/**
 * Work handed to a thread of the native helper's (native/threadJobs.c) while JavaScript goes on:
 * a plain thread starts in microseconds, where a worker thread boots a JavaScript engine first
 * (30-60 ms of a second core, which on two cores the store listing's thread also wants). Undefined
 * where the helper (or a thread) is not to be had: the caller does the work itself.
 */
import { native } from './native.js';

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
  let taken: Uint32Array | undefined;
  return {
    take: () => (taken ??= helper.joinJob!(job)!),
  };
}
