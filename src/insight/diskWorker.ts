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
import { stringOrder } from '../store/byteOrder.js';
import type { PackedStrings, StringOrder } from '../store/byteOrder.js';
import { linkTimes } from './linkTimes.js';
import type { TimesBy } from './linkTimes.js';
import { aliveOnly, measureSizes } from './rootSizes.js';
import { orderGraph } from './graphOrder.js';
import type { Csr } from '../graph/csr.js';
import type { GraphOrder } from './graphOrder.js';
import type { SizeSums, SizesJob } from './rootSizes.js';
import { DiskMeter } from './measureDisk.js';
import type { SavedUsage } from './measureDisk.js';
import { takeStamp, writeDiskCache } from './diskUsageCache.js';
import type { DiskCacheRequest, DiskStamp } from './diskUsageCache.js';
import type { DiskUsage } from './rootSizes.js';
import { canonicalRows, uncanonicalSums } from './canonicalRows.js';
import type { SizesMemoRequest } from './sizesMemo.js';
import { keepGraphDigest, memoGraphDigest, readSizesMemo, sizesInputKey, writeSizesMemo } from './sizesMemo.js';

/** What the worker is asked to do. */
export type DiskTask =
  | {
    readonly kind: 'times';
    /** The root links, packed (byteOrder.ts): the file of each whose mtime to read... */
    readonly links: PackedStrings;
    /** ...unless another file is given here (latin1), or none (null). */
    readonly instead: readonly (readonly [number, string | null])[];
    /** The links to do: from .. to. */
    readonly from: number;
    readonly to: number;
    /** Tests only: read the times in Node even where the native helper loads. */
    readonly by?: TimesBy;
  }
  | {
    /** stringOrder (store/byteOrder.ts) of the packed strings. */
    readonly kind: 'order-bytes';
    readonly strings: PackedStrings;
  }
  | {
    readonly kind: 'valid';
    /**
     * The path table (PathTable.raw, copied into shared memory: the table's own buffer may be a
     * view of the whole graph cache, which a message would copy): every valid path is measured,
     * id = its index.
     */
    readonly pathBytes: Uint8Array;
    readonly pathOffsets: Uint32Array;
    /** What precedes every path's bytes (PathTable.raw's head), '' when nothing does. */
    readonly pathHead: string;
    /** Paths are under storeDir; on disk they are under realStoreDir. */
    readonly storeDir: string;
    readonly realStoreDir: string;
    /** Where the measure is kept for the next run (diskUsageCache.ts), unless there is no graph cache. */
    readonly cache?: DiskCacheRequest;
  }
  | {
    /** The valid paths' disk usage as the cache kept it (diskUsageCache.ts: the caller checked it). */
    readonly kind: 'saved';
    readonly saved: SavedUsage;
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
    /** The sizes memo (sizesMemo.ts): no order is made when it was kept for this keep graph. */
    readonly memo?: string;
  }
  | {
    /** measureSizes (rootSizes.ts) over the disk usage of the alive nodes (after 'extra'). */
    readonly kind: 'sizes';
    /** Without `succ`: the keep graph of the 'order' job. */
    readonly job: Omit<SizesJob, 'succ'> & { readonly succ: SizesJob['succ'] | undefined };
    /** 1 for each alive node. */
    readonly alive: Uint8Array;
    /** Where the sums are kept between runs (sizesMemo.ts), unless there is no graph cache. */
    readonly memo?: SizesMemoRequest;
  }
  | {
    /** The disk usage of the alive nodes (after 'extra'). */
    readonly kind: 'usage';
    readonly alive: Uint8Array;
  };

export type DiskJob = DiskTask & { readonly id: number };

export type DiskAnswer = { readonly id: number } & (
  | { readonly mtimes: Float64Array }
  | { readonly order: StringOrder }
  | { readonly measured: number }
  | { readonly sums: SizeSums }
  | { readonly disk: DiskUsage }
  | { readonly error: { code: StoregcError['code']; path: string | undefined; message: string; hint: string } }
  | { readonly bug: string });

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

const meter = new DiskMeter();
/** The keep graph's order over its rows, from an 'order' job. */
let early: GraphOrder | undefined;
/** The keep graph of the 'order' job, and its digest (keepGraphDigest) when a memo was named. */
let ordered: { readonly succ: Csr; readonly digest: Buffer | undefined } | undefined;
/** Why measuring the valid paths failed: the disk usage job answers with it. */
let failed: DiskAnswer | undefined;

function measureValid(job: DiskTask & { kind: 'valid' }): number {
  const bytes = asBuffer(job.pathBytes);
  const { pathOffsets: offsets, pathHead, storeDir, realStoreDir } = job;
  // Without a chroot store and a head the table's bytes are the real paths: no copy at all.
  const moved = realStoreDir === storeDir ? null : Buffer.from(realStoreDir, 'latin1');
  // The head is the store directory (and its slash) when there is one: on disk, the real one.
  const realHead = pathHead === '' ? null : Buffer.from(moved === null ? pathHead : realStoreDir + pathHead.slice(storeDir.length), 'latin1');
  const count = offsets.length - 1;
  // Taken before measuring: a change meanwhile shows as another identity next time.
  const stamp = job.cache === undefined ? undefined : stampOf(realStoreDir);
  for (let id = 0; id < count; id++) {
    const path = bytes.subarray(offsets[id]!, offsets[id + 1]!);
    if (realHead !== null) meter.add(id, Buffer.concat([realHead, path]));
    else meter.add(id, moved === null ? path : Buffer.concat([moved, path.subarray(storeDir.length)]));
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

/**
 * measureSizes, unless the memo holds the sums of these very inputs; kept for next time. The
 * memo holds them in canonical row order (canonicalRows.ts): the rows come in another order
 * each run.
 */
function memoSizes(job: SizesJob, disk: DiskUsage, memo: SizesMemoRequest | undefined): SizeSums {
  if (memo === undefined) return measureSizes(job, disk, early);
  const canonical = canonicalRows(job, memo.groupRank);
  const graph = job.succ === ordered?.succ && ordered.digest !== undefined ? ordered.digest : keepGraphDigest(job.succ);
  const key = sizesInputKey(canonical.job, disk, graph);
  const kept = readSizesMemo(memo.file, key);
  if (kept !== undefined) return uncanonicalSums(kept, canonical);
  const sums = measureSizes(canonical.job, disk, early);
  try {
    writeSizesMemo(memo.file, graph, key, sums);
  } catch {
    // Only a cache: the next run measures again.
  }
  return uncanonicalSums(sums, canonical);
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
      const mtimes = linkTimes(job.links, job.from, job.to, new Map(job.instead), job.by);
      parentPort!.postMessage({ id: job.id, mtimes } satisfies DiskAnswer, [mtimes.buffer as ArrayBuffer]);
      return;
    }
    if (job.kind === 'order-bytes') {
      const order = stringOrder(job.strings);
      parentPort!.postMessage({ id: job.id, order } satisfies DiskAnswer, [order.order.buffer, order.same.buffer] as ArrayBuffer[]);
      return;
    }
    if (job.kind === 'valid') {
      answer = { id: job.id, measured: measureValid(job) };
    } else if (job.kind === 'saved') {
      meter.load(job.saved);
      answer = { id: job.id, measured: job.saved.own.length };
    } else if (failed !== undefined) {
      answer = { ...failed, id: job.id };
    } else if (job.kind === 'extra') {
      for (const [id, path] of job.extra) meter.add(id, path);
      answer = { id: job.id, measured: job.extra.length };
    } else if (job.kind === 'order') {
      const succ = { start: job.succStart, list: job.succList };
      const kept = job.memo === undefined ? undefined : memoGraphDigest(job.memo);
      const digest = job.memo === undefined ? undefined : keepGraphDigest(succ);
      ordered = { succ, digest };
      // A memo kept for this keep graph will most likely answer: sizes() orders it if not.
      if (kept === undefined || !kept.equals(digest!)) early = orderGraph(succ, succ.start.length - 1);
      answer = { id: job.id, measured: 0 };
    } else if (job.kind === 'sizes') {
      const succ = job.job.succ ?? ordered?.succ;
      if (succ === undefined) throw new Error('sizes asked for without a keep graph');
      const sums = memoSizes({ ...job.job, succ }, aliveOnly(meter.usage(job.alive.length), job.alive), job.memo);
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
