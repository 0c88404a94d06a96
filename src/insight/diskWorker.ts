/**
 * Worker thread of `roots --sizes` and `report` (diskThread.ts starts it): all their lstat calls,
 * the disk usage of every valid path (asked for as soon as the database is read, before anyone
 * knows which paths are alive) and of the other live nodes, and the root links' times, while the
 * main thread loads the store and builds what needs no disk. Paths arrive as bytes: the path
 * table's buffer and offsets, and the link files NUL-separated, never as a string per path. One
 * job at a time; the disk usage is one DiskMeter across its two jobs. It then measures the
 * closures (closureSizes.ts), which need that disk usage, while the main thread does the rest.
 */
import { parentPort } from 'node:worker_threads';
import { StoregcError } from '../errors.js';
import { linkTimes } from './linkTimes.js';
import { closureSums } from './closureSizes.js';
import { DiskMeter } from './measureDisk.js';
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
  }
  | {
    readonly kind: 'disk';
    /** Other nodes to measure (not valid: not in the table), with their real paths, ids ascending. */
    readonly extra: readonly (readonly [number, string])[];
    readonly nodeCount: number;
  }
  | {
    /** closureSums over the disk usage measured here (after a 'disk' job). */
    readonly kind: 'closures';
    readonly succStart: Uint32Array;
    readonly succList: Int32Array;
    readonly nodeCount: number;
    readonly startsStart: Uint32Array;
    readonly startsList: Int32Array;
    readonly nar: Float64Array;
  };

export type DiskJob = DiskTask & { readonly id: number };

export type DiskAnswer = { readonly id: number } & (
  | { readonly mtimes: Float64Array }
  | { readonly measured: number }
  | { readonly sums: Float64Array }
  | { readonly disk: DiskUsage }
  | { readonly error: { code: StoregcError['code']; path: string | undefined; message: string; hint: string } }
  | { readonly bug: string });

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

const meter = new DiskMeter();
/** Why measuring the valid paths failed: the disk usage job answers with it. */
let failed: DiskAnswer | undefined;

function measureValid(job: DiskTask & { kind: 'valid' }): number {
  const bytes = asBuffer(job.pathBytes);
  const { pathOffsets: offsets, storeDir, realStoreDir } = job;
  // Without a chroot store the table's bytes are the real paths: no copy at all.
  const moved = realStoreDir === storeDir ? null : Buffer.from(realStoreDir, 'latin1');
  const count = offsets.length - 1;
  for (let id = 0; id < count; id++) {
    const path = bytes.subarray(offsets[id]!, offsets[id + 1]!);
    meter.add(id, moved === null ? path : Buffer.concat([moved, path.subarray(storeDir.length)]));
  }
  return count;
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
    } else if (job.kind === 'closures') {
      const sums = closureSums({ start: job.succStart, list: job.succList }, job.nodeCount, { start: job.startsStart, list: job.startsList }, job.nar, meter.usage(job.nodeCount));
      parentPort!.postMessage({ id: job.id, sums } satisfies DiskAnswer, [sums.buffer as ArrayBuffer]);
      return;
    } else {
      for (const [id, path] of job.extra) meter.add(id, path);
      const disk = meter.usage(job.nodeCount);
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
