/**
 * Worker thread of `roots --sizes` and `report` (diskThread.ts starts it): all their lstat calls,
 * the root links' times and the disk usage of the live paths, while the main thread loads the
 * store and builds what needs no disk. Paths arrive as bytes: the path table's buffer and
 * offsets, and the link files NUL-separated, never as a string per path. One job at a time.
 */
import { parentPort } from 'node:worker_threads';
import { StoregcError } from '../errors.js';
import { linkTimes } from './linkTimes.js';
import { measureDisk } from './measureDisk.js';
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
    readonly kind: 'disk';
    /** The path table (PathTable.raw) and the valid node ids to measure. */
    readonly pathBytes: Uint8Array;
    readonly pathOffsets: Uint32Array;
    readonly ids: Int32Array;
    /** Paths are under storeDir; on disk they are under realStoreDir. */
    readonly storeDir: string;
    readonly realStoreDir: string;
    /** Other nodes to measure (not valid: no bytes in the table), with their real paths. */
    readonly extra: readonly (readonly [number, string])[];
    readonly nodeCount: number;
  };

export type DiskJob = DiskTask & { readonly id: number };

export type DiskAnswer = { readonly id: number } & (
  | { readonly mtimes: Float64Array }
  | { readonly disk: DiskUsage }
  | { readonly error: { code: StoregcError['code']; path: string | undefined; message: string; hint: string } }
  | { readonly bug: string });

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

function realPathsOf(job: DiskTask & { kind: 'disk' }): (string | Buffer | undefined)[] {
  const out = new Array<string | Buffer | undefined>(job.nodeCount);
  const bytes = asBuffer(job.pathBytes);
  const { pathOffsets: offsets, storeDir, realStoreDir } = job;
  // Without a chroot store the table's bytes are the real paths: no copy at all.
  const moved = realStoreDir === storeDir ? null : Buffer.from(realStoreDir, 'latin1');
  for (const id of job.ids) {
    const path = bytes.subarray(offsets[id]!, offsets[id + 1]!);
    out[id] = moved === null ? path : Buffer.concat([moved, path.subarray(storeDir.length)]);
  }
  for (const [id, path] of job.extra) out[id] = path;
  return out;
}

parentPort?.on('message', (job: DiskJob) => {
  try {
    if (job.kind === 'times') {
      const files = job.linkCount === 0 ? [] : asBuffer(job.links).toString('latin1').split('\0');
      const mtimes = linkTimes(files.map((file) => (file === '' ? null : file)));
      parentPort!.postMessage({ id: job.id, mtimes } satisfies DiskAnswer, [mtimes.buffer as ArrayBuffer]);
    } else {
      const disk = measureDisk(realPathsOf(job));
      parentPort!.postMessage({ id: job.id, disk } satisfies DiskAnswer, [disk.own.buffer as ArrayBuffer]);
    }
  } catch (error) {
    parentPort!.postMessage((error instanceof StoregcError
      ? { id: job.id, error: { code: error.code, path: error.path, message: error.message, hint: error.hint } }
      : { id: job.id, bug: error instanceof Error ? (error.stack ?? error.message) : String(error) }) satisfies DiskAnswer);
  }
});
