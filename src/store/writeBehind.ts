/**
 * A cache file written whole, through `FILE.tmp-PID` renamed into place (a reader sees the old
 * file or the new one, never part of one), on a thread of the native helper's while the run goes
 * on (native/threadJobs.c): at 1.3M paths the graph cache is 278 MB whose CRC-32s and write took
 * 0.2 s of the main thread. The temporary file is opened here, so what usually stops a write (a
 * directory not writable, not there) is thrown at once; what stops it later (a full disk) is
 * kept for `settleWrites`, which the command's end calls (the temporary file removed either way).
 *
 * A write in progress is waited for before its file is read or written again in this process
 * (`settleWrite`), and before the process ends; once done, it is settled as soon as the event
 * loop turns, which lets go of what it wrote. One killed meanwhile leaves its temporary file,
 * which the next write removes once its process is gone. Without the helper, or without `behind`,
 * the file is written now.
 */
import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { crc32 } from './crc32.js';
import { dropMappedPages } from './mapFile.js';
import { processAlive } from '../records/processAlive.js';
import { fsPath } from './bytes.js';
import { native } from './native.js';
import type { NativeJob } from './native.js';

/** The first 4 bytes of `parts[field]` get the CRC-32 (little-endian) of `parts[from .. to)`. */
export interface CheckField {
  readonly field: number;
  readonly from: number;
  readonly to: number;
}

export interface WriteOptions {
  readonly checks?: readonly CheckField[];
  /**
   * Parts [from, to) whose pages of a mapped file (mapFile.ts) are given back once written: a
   * file written from views of the one it replaces is then never resident whole beside it.
   */
  readonly dropMapped?: { readonly from: number; readonly to: number };
  /** On a thread when the helper can: `settleWrite(file)` or `settleWrites()` waits for it. */
  readonly behind?: boolean;
}

interface Pending {
  readonly job: NativeJob;
  /** What the thread reads, held until it is joined. */
  readonly parts: readonly Buffer[];
}

const pending = new Map<string, Pending>();
const failed: { file: string; error: Error }[] = [];

/** @throws the error that stopped the write, when it stopped now (the old file is kept). */
export function writeWhole(file: string, parts: readonly Buffer[], options: WriteOptions = {}): void {
  settleWrite(file);
  const dir = file.slice(0, file.lastIndexOf('/'));
  mkdirSync(fsPath(dir), { recursive: true });
  removeStaleTemps(dir, file.slice(dir.length + 1));
  const temp = `${file}.tmp-${process.pid}`;
  const checks = options.checks ?? [];
  let fd: number | undefined;
  try {
    fd = openSync(fsPath(temp), 'w');
    const helper = native();
    if (options.behind === true && helper?.writeOnThread !== undefined && helper.joinJob !== undefined) {
      const spec = Int32Array.from(checks.flatMap((c) => [c.field, c.from, c.to]));
      const drops = dropFlags(parts.length, options.dropMapped);
      let job: NativeJob | undefined;
      // Once the thread is done and the loop turns, the write is settled: its parts (rows the
      // run no longer needs) are let go then, not at the command's end.
      const settleIfDone = (): void => {
        if (job !== undefined && pending.get(file)?.job === job) settleWrite(file);
      };
      try {
        job = helper.writeOnThread(fd, [...parts], spec, fsPath(temp), fsPath(file), settleIfDone, drops);
      } catch {
        // No thread to be had: written now, below.
      }
      if (job !== undefined) {
        // The thread's from here on, the fd closed by it.
        fd = undefined;
        pending.set(file, { job, parts });
        return;
      }
    }
    fillChecks(parts, checks);
    for (const part of parts) for (let at = 0; at < part.length;) at += writeSync(fd, part, at);
    const written = fd;
    fd = undefined;
    closeSync(written);
    renameSync(fsPath(temp), fsPath(file));
    if (options.dropMapped !== undefined) dropMappedPages(parts.slice(options.dropMapped.from, options.dropMapped.to));
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    // The temporary file gone if it can be: the error that stopped the write is the one to tell
    // (a failed removal is left for a later write to replace).
    try {
      rmSync(fsPath(temp), { force: true });
    } catch {
      // kept as it is
    }
    throw error;
  }
}

/** Waits for the write of `file` in progress, if any: the error that stopped it (also kept for `settleWrites`). */
export function settleWrite(file: string): Error | undefined {
  const write = pending.get(file);
  if (write === undefined) return undefined;
  pending.delete(file);
  try {
    native()!.joinJob!(write.job);
    return undefined;
  } catch (error) {
    failed.push({ file, error: error as Error });
    return error as Error;
  }
}

/** Waits for every write in progress: the writes that failed since the last call, with why. */
export function settleWrites(): { file: string; error: Error }[] {
  for (const file of [...pending.keys()]) settleWrite(file);
  return failed.splice(0);
}

/** One flag per part, 1 in `range`; undefined for none. */
function dropFlags(count: number, range: WriteOptions['dropMapped']): Uint8Array | undefined {
  if (range === undefined) return undefined;
  const flags = new Uint8Array(count);
  flags.fill(1, Math.max(0, range.from), Math.min(count, range.to));
  return flags;
}

/** The check fields filled here (the thread fills them itself). */
function fillChecks(parts: readonly Buffer[], checks: readonly CheckField[]): void {
  for (const { field, from, to } of checks) {
    let crc = 0;
    for (let i = from; i < to; i++) crc = crc32(parts[i]!, crc);
    parts[field]!.writeUInt32LE(crc >>> 0, 0);
  }
}

/** Temporary files of writers that died before their rename (`NAME.tmp-PID`, that process gone). */
function removeStaleTemps(dir: string, base: string): void {
  const prefix = `${base}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(fsPath(dir), 'latin1');
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    try {
      rmSync(fsPath(`${dir}/${name}`), { force: true });
    } catch {
      // another writer removed it first, or it is not ours to remove
    }
  }
}
