/**
 * Worker thread of `roots --sizes` and `report`: all their lstat calls (disk usage of the live
 * paths, times of the root links), while the main thread builds the dominator tree and the
 * closure order, which need no disk. Paths arrive as bytes: the path table's buffer and offsets,
 * and the link files NUL-separated, never as a string per path.
 */
import { parentPort } from 'node:worker_threads';
import { StoregcError } from '../errors.js';
import { linkTimes } from './linkTimes.js';
import { measureDisk } from './measureDisk.js';
import type { DiskUsage } from './rootSizes.js';

export interface DiskJob {
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
  /** Files whose mtime to read, NUL-separated (latin1); an empty one is "none". */
  readonly links: Uint8Array;
  readonly linkCount: number;
}

export type DiskAnswer =
  | { readonly disk: DiskUsage; readonly mtimes: Float64Array }
  | { readonly error: { code: StoregcError['code']; path: string | undefined; message: string; hint: string } }
  | { readonly bug: string };

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

function realPathsOf(job: DiskJob): (string | Buffer | undefined)[] {
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

parentPort?.once('message', (job: DiskJob) => {
  let answer: DiskAnswer;
  try {
    const disk = measureDisk(realPathsOf(job));
    const files = job.linkCount === 0 ? [] : asBuffer(job.links).toString('latin1').split('\0');
    const mtimes = linkTimes(files.map((file) => (file === '' ? null : file)));
    parentPort!.postMessage({ disk, mtimes } satisfies DiskAnswer, [disk.own.buffer as ArrayBuffer, mtimes.buffer as ArrayBuffer]);
    return;
  } catch (error) {
    answer = error instanceof StoregcError
      ? { error: { code: error.code, path: error.path, message: error.message, hint: error.hint } }
      : { bug: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(answer);
});
