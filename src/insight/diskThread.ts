/**
 * The main thread's side of diskWorker.ts: a worker thread started early (it boots while the
 * database is read), asked for the disk usage of every valid path as soon as the path table is
 * known, for the root links' times as soon as the roots are, for the rest of the disk usage
 * once liveness is, and for the exclusive and closure sizes, so that the caller computes meanwhile. Jobs run
 * in the order asked.
 * The worker's errors come back as they were thrown (a StoregcError keeps its code, path and
 * hint); close() ends the thread, whatever is pending.
 */
import { Worker } from 'node:worker_threads';
import { StoregcError } from '../errors.js';
import type { Csr } from '../graph/csr.js';
import type { PathTable } from '../graph/pathTable.js';
import type { NodeTable } from '../liveness/nodeTable.js';
import type { DiskAnswer, DiskJob, DiskTask } from './diskWorker.js';
import type { DiskCacheRequest } from './diskUsageCache.js';
import type { DiskUsage, SizeSums, SizesJob } from './rootSizes.js';

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

  /** Starts measuring every valid path (PathTable.raw: bytes, not a string per path). */
  measureValid(paths: PathTable, storeDir: string, realStoreDir: string, cache?: DiskCacheRequest): void {
    const { bytes, offsets } = paths.raw;
    // Copied, not handed over: the path table stays in use here. Failures come with usage().
    this.ask({ kind: 'valid', pathBytes: bytes, pathOffsets: offsets, storeDir, realStoreDir, ...(cache === undefined ? {} : { cache }) }).catch(() => undefined);
  }

  /** Starts ordering the keep graph (graphOrder.ts), which sizes() then uses: it needs no liveness. */
  orderEarly(succ: Csr): void {
    // Failures come with sizes(), which orders the graph itself.
    this.ask({ kind: 'order', succStart: succ.start, succList: succ.list }).catch(() => undefined);
  }

  /** Adds the nodes of `nodes` that `measured` picks and that are not valid (not in the table). */
  async measureExtra(nodes: NodeTable, measured: (id: number) => boolean, storeDir: string, realStoreDir: string): Promise<void> {
    const extra: [number, string][] = [];
    for (let id = nodes.validCount; id < nodes.size; id++) if (measured(id)) extra.push([id, realStoreDir + nodes.pathOf(id).slice(storeDir.length)]);
    await this.ask({ kind: 'extra', extra });
  }

  /** measureSizes (rootSizes.ts) over the alive nodes' disk usage, computed on the thread. */
  async sizes(job: SizesJob, alive: Uint8Array): Promise<SizeSums> {
    const answer = await this.ask({ kind: 'sizes', job, alive });
    if (!('sums' in answer)) throw new Error('disk worker: no sizes');
    return answer.sums;
  }

  /** The disk usage of the alive nodes (the valid ones, and those measureExtra added). */
  async usage(alive: Uint8Array): Promise<DiskUsage> {
    const answer = await this.ask({ kind: 'usage', alive });
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
