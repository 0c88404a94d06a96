/**
 * The main thread's side of diskWorker.ts: a worker thread started early (it boots while the
 * graph loads), asked for the root links' times as soon as the roots are known and for the disk
 * usage once liveness is, so that the caller computes meanwhile. Jobs run in the order asked.
 * The worker's errors come back as they were thrown (a StoregcError keeps its code, path and
 * hint); close() ends the thread, whatever is pending.
 */
import { Worker } from 'node:worker_threads';
import { StoregcError } from '../errors.js';
import type { NodeTable } from '../liveness/nodeTable.js';
import type { DiskAnswer, DiskJob, DiskTask } from './diskWorker.js';
import type { DiskUsage } from './rootSizes.js';

export interface DiskRequest {
  readonly nodes: NodeTable;
  /** Which nodes to measure. */
  readonly measured: (id: number) => boolean;
  readonly storeDir: string;
  readonly realStoreDir: string;
}

type Pending = { resolve: (answer: DiskAnswer) => void; reject: (error: Error) => void };

export class DiskThread {
  private readonly worker = new Worker(new URL('./diskWorker.js', import.meta.url));
  private readonly pending = new Map<number, Pending>();
  private asked = 0;

  constructor() {
    this.worker.on('message', (answer: DiskAnswer) => {
      const waiting = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      waiting?.resolve(answer);
    });
    this.worker.on('error', (error) => {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    });
  }

  /** Per file: mtime in ms; NaN for null (no file) or a file gone or unreadable by now. */
  async linkTimes(files: readonly (string | null)[]): Promise<Float64Array> {
    const answer = await this.ask({ kind: 'times', links: Buffer.from(files.map((f) => f ?? '').join('\0'), 'latin1'), linkCount: files.length });
    if (!('mtimes' in answer)) throw new Error('disk worker: no link times');
    return answer.mtimes;
  }

  /** measureDisk of the nodes asked for; the paths go as the path table's bytes, not as strings. */
  async measure(request: DiskRequest): Promise<DiskUsage> {
    const { nodes, measured, storeDir, realStoreDir } = request;
    const ids: number[] = [];
    const extra: [number, string][] = [];
    for (let id = 0; id < nodes.size; id++) {
      if (!measured(id)) continue;
      if (nodes.isValid(id)) ids.push(id);
      else extra.push([id, realStoreDir + nodes.pathOf(id).slice(storeDir.length)]);
    }
    const { bytes, offsets } = nodes.graph.paths.raw;
    const answer = await this.ask({ kind: 'disk', pathBytes: bytes, pathOffsets: offsets, ids: Int32Array.from(ids), storeDir, realStoreDir, extra, nodeCount: nodes.size });
    if (!('disk' in answer)) throw new Error('disk worker: no disk usage');
    return answer.disk;
  }

  close(): void {
    void this.worker.terminate();
  }

  private ask(task: DiskTask): Promise<DiskAnswer> {
    const id = this.asked++;
    const answer = new Promise<DiskAnswer>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // Copied, not handed over: the path table stays in use here.
    this.worker.postMessage({ ...task, id } satisfies DiskJob);
    return answer.then((a) => {
      if ('error' in a) throw new StoregcError(a.error.code, a.error.path, a.error.message, a.error.hint);
      if ('bug' in a) throw new Error(`disk worker: ${a.bug}`);
      return a;
    });
  }
}
