/**
 * Worker thread of `roots --sizes` and `report` (diskThread.ts starts it): all their lstat calls,
 * the disk usage of every valid path (asked for as soon as the database is read, before anyone
 * knows which paths are alive) and of the other live nodes, and the root links' times, while the
 * main thread loads the store and builds what needs no disk. Paths arrive as bytes: the path
 * table's buffer and offsets, and the link files NUL-separated, never as a string per path. One
 * job at a time; the disk usage is one DiskMeter across its jobs (the valid paths' usage kept
 * between runs: diskUsageCache.ts). It then measures the exclusive and closure sizes
 * (rootSizes.ts measureSizes), which need that disk usage, while the main thread does the rest.
 */
import { parentPort } from 'node:worker_threads';
import { StoregcError } from '../errors.js';
import { linkTimes } from './linkTimes.js';
import { aliveOnly, measureSizes } from './rootSizes.js';
import { orderGraph } from './graphOrder.js';
import type { GraphOrder } from './graphOrder.js';
import type { SizeSums, SizesJob } from './rootSizes.js';
import { DiskMeter } from './measureDisk.js';
import { readDiskCache, takeStamp, writeDiskCache } from './diskUsageCache.js';
import type { DiskCacheRequest, DiskStamp } from './diskUsageCache.js';
import type { DiskUsage } from './rootSizes.js';

/** What the worker is asked to do. */
export type DiskTask =
  | {
    readonly kind: 'times';
    /** Files whose mtime to read, NUL-separated (latin1); an empty one is "none". */
    readonly links: Uint8Array;
    readonly linkCount: number;
  }
  | {
    readonly kind: 'valid';
    /** The path table (PathTable.raw): every valid path is measured, id = its index. */
    readonly pathBytes: Uint8Array;
    readonly pathOffsets: Uint32Array;
    /** Paths are under storeDir; on disk they are under realStoreDir. */
    readonly storeDir: string;
    readonly realStoreDir: string;
    /** Where the last measure is kept (diskUsageCache.ts), unless there is no graph cache. */
    readonly cache?: DiskCacheRequest;
  }
  | {
    /** Measure these other nodes too (not valid: not in the table), with their real paths, ids ascending. */
    readonly kind: 'extra';
    readonly extra: readonly (readonly [number, string])[];
  }
  | {
    /** orderGraph of the keep graph over its rows, ahead of 'sizes' (which is given the same graph). */
    readonly kind: 'order';
    readonly succStart: Uint32Array;
    readonly succList: Int32Array;
  }
  | {
    /** measureSizes (rootSizes.ts) over the disk usage of the alive nodes (after 'extra'). */
    readonly kind: 'sizes';
    readonly job: SizesJob;
    /** 1 for each alive node. */
    readonly alive: Uint8Array;
  }
  | {
    /** The disk usage of the alive nodes (after 'extra'). */
    readonly kind: 'usage';
    readonly alive: Uint8Array;
  };

export type DiskJob = DiskTask & { readonly id: number };

export type DiskAnswer = { readonly id: number } & (
  | { readonly mtimes: Float64Array }
  | { readonly measured: number }
  | { readonly sums: SizeSums }
  | { readonly disk: DiskUsage }
  | { readonly error: { code: StoregcError['code']; path: string | undefined; message: string; hint: string } }
  | { readonly bug: string });

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

const meter = new DiskMeter();
/** The keep graph's order over its rows, from an 'order' job. */
let early: GraphOrder | undefined;
/** Why measuring the valid paths failed: the disk usage job answers with it. */
let failed: DiskAnswer | undefined;

function measureValid(job: DiskTask & { kind: 'valid' }): number {
  const bytes = asBuffer(job.pathBytes);
  const { pathOffsets: offsets, storeDir, realStoreDir } = job;
  // Without a chroot store the table's bytes are the real paths: no copy at all.
  const moved = realStoreDir === storeDir ? null : Buffer.from(realStoreDir, 'latin1');
  const count = offsets.length - 1;
  const stamp = job.cache === undefined ? undefined : stampOf(realStoreDir);
  if (stamp !== undefined) {
    const saved = readDiskCache(job.cache!, stamp, count);
    if (saved !== undefined) {
      meter.load(saved);
      return count;
    }
  }
  for (let id = 0; id < count; id++) {
    const path = bytes.subarray(offsets[id]!, offsets[id + 1]!);
    meter.add(id, moved === null ? path : Buffer.concat([moved, path.subarray(storeDir.length)]));
  }
  if (stamp !== undefined) {
    try {
      writeDiskCache(job.cache!, stamp, meter.save(count));
    } catch {
      // Only a cache: the next run measures again.
    }
  }
  return count;
}

/** undefined: the directories cannot be looked at, so nothing is kept or trusted. */
function stampOf(realStoreDir: string): DiskStamp | undefined {
  try {
    return takeStamp(realStoreDir);
  } catch {
    return undefined;
  }
}

parentPort?.on('message', (job: DiskJob) => {
  let answer: DiskAnswer;
  try {
    if (job.kind === 'times') {
      const files = job.linkCount === 0 ? [] : asBuffer(job.links).toString('latin1').split('\0');
      const mtimes = linkTimes(files.map((file) => (file === '' ? null : file)));
      parentPort!.postMessage({ id: job.id, mtimes } satisfies DiskAnswer, [mtimes.buffer as ArrayBuffer]);
      return;
    }
    if (job.kind === 'valid') {
      answer = { id: job.id, measured: measureValid(job) };
    } else if (failed !== undefined) {
      answer = { ...failed, id: job.id };
    } else if (job.kind === 'extra') {
      for (const [id, path] of job.extra) meter.add(id, path);
      answer = { id: job.id, measured: job.extra.length };
    } else if (job.kind === 'order') {
      const succ = { start: job.succStart, list: job.succList };
      early = orderGraph(succ, succ.start.length - 1);
      answer = { id: job.id, measured: 0 };
    } else if (job.kind === 'sizes') {
      const sums = measureSizes(job.job, aliveOnly(meter.usage(job.alive.length), job.alive), early);
      parentPort!.postMessage({ id: job.id, sums } satisfies DiskAnswer, [sums.exclusiveRows.buffer, sums.exclusiveGroups.buffer, sums.closures.buffer] as ArrayBuffer[]);
      return;
    } else {
      const disk = aliveOnly(meter.usage(job.alive.length), job.alive);
      parentPort!.postMessage({ id: job.id, disk } satisfies DiskAnswer, [disk.own.buffer as ArrayBuffer]);
      return;
    }
  } catch (error) {
    answer = error instanceof StoregcError
      ? { id: job.id, error: { code: error.code, path: error.path, message: error.message, hint: error.hint } }
      : { id: job.id, bug: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    if (job.kind === 'valid') failed = answer;
  }
  parentPort!.postMessage(answer);
});
