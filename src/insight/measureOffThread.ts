/**
 * Runs diskWorker.ts: disk usage of the given nodes and mtimes of the given files, measured on
 * a worker thread so that the caller can compute meanwhile. The worker's errors come back as
 * they were thrown (a StoregcError keeps its code, path and hint).
 */
import { Worker } from 'node:worker_threads';
import { StoregcError } from '../errors.js';
import type { NodeTable } from '../liveness/nodeTable.js';
import type { DiskAnswer, DiskJob } from './diskWorker.js';
import type { DiskUsage } from './rootSizes.js';

export interface OnDisk {
  readonly disk: DiskUsage;
  /** Per file given: mtime in ms, NaN when there was no file or it could not be read. */
  readonly mtimes: Float64Array;
}

export interface DiskRequest {
  readonly nodes: NodeTable;
  /** Which nodes to measure. */
  readonly measured: (id: number) => boolean;
  readonly storeDir: string;
  readonly realStoreDir: string;
  /** Files whose mtime to read (null: none). */
  readonly files: readonly (string | null)[];
}

export function measureOffThread(request: DiskRequest): Promise<OnDisk> {
  const { nodes, measured, storeDir, realStoreDir, files } = request;
  const ids: number[] = [];
  const extra: [number, string][] = [];
  for (let id = 0; id < nodes.size; id++) {
    if (!measured(id)) continue;
    if (nodes.isValid(id)) ids.push(id);
    else extra.push([id, realStoreDir + nodes.pathOf(id).slice(storeDir.length)]);
  }
  const { bytes, offsets } = nodes.graph.paths.raw;
  const job: DiskJob = {
    pathBytes: bytes,
    pathOffsets: offsets,
    ids: Int32Array.from(ids),
    storeDir,
    realStoreDir,
    extra,
    nodeCount: nodes.size,
    links: Buffer.from(files.map((f) => f ?? '').join('\0'), 'latin1'),
    linkCount: files.length,
  };
  const worker = new Worker(new URL('./diskWorker.js', import.meta.url));
  return new Promise<OnDisk>((resolve, reject) => {
    worker.once('message', (answer: DiskAnswer) => {
      void worker.terminate();
      if ('disk' in answer) resolve(answer);
      else if ('error' in answer) reject(new StoregcError(answer.error.code, answer.error.path, answer.error.message, answer.error.hint));
      else reject(new Error(`disk worker: ${answer.bug}`));
    });
    worker.once('error', (error) => {
      void worker.terminate();
      reject(error);
    });
    // Copied, not handed over: the path table stays in use here.
    worker.postMessage(job);
  });
}
