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
import type { PackedStrings, StringOrder } from '../store/byteOrder.js';
import type { NodeTable } from '../liveness/nodeTable.js';
import type { DiskAnswer, DiskJob, DiskTask } from './diskWorker.js';
import type { TimesBy } from './linkTimes.js';
import { readDiskCache, takeStamp } from './diskUsageCache.js';
import type { DiskCacheRequest, DiskStamp } from './diskUsageCache.js';
import type { SavedUsage } from './measureDisk.js';
import type { SizesMemoRequest } from './sizesMemo.js';
import type { DiskUsage, SizeSums, SizesJob } from './rootSizes.js';

/** The valid paths' usage kept by diskUsageCache.ts, if it may stand in for measuring now. */
function keptUsage(cache: DiskCacheRequest, realStoreDir: string, count: number): SavedUsage | undefined {
  let stamp: DiskStamp;
  try {
    stamp = takeStamp(realStoreDir);
  } catch {
    return undefined;
  }
  return readDiskCache(cache, stamp, count);
}

/** A copy of `a` in shared memory: posting it to a worker shares it instead of copying. */
function shared<T extends Uint8Array | Uint32Array>(a: T): T {
  const memory = new SharedArrayBuffer(a.byteLength);
  const copy = a instanceof Uint32Array ? new Uint32Array(memory) : new Uint8Array(memory);
  copy.set(a);
  return copy as T;
}

/**
 * `strings` in shared memory (as they are, if they are there already): posted to a thread,
 * they are shared, not copied. The root links (50 MB at 700k roots) go to two threads in three
 * jobs, and a message copied them whole each time (0.6 s of the main thread).
 */
export function sharedStrings(strings: PackedStrings): PackedStrings {
  if (strings.bytes.buffer instanceof SharedArrayBuffer && strings.offsets.buffer instanceof SharedArrayBuffer) return strings;
  return { bytes: shared(strings.bytes), offsets: shared(strings.offsets) };
}

type Pending = { resolve: (answer: DiskAnswer) => void; reject: (error: Error) => void };

export class DiskThread {
  // From dist/insight/ and from the bundle dist/cli/storegc.js alike (scripts/bundle.mjs).
  private readonly worker = new Worker(new URL('../insight/diskWorker.js', import.meta.url));
  private readonly pending = new Map<number, Pending>();
  private asked = 0;
  /** The keep graph sent with orderEarly, which the thread keeps. */
  private ordered: Csr | undefined;

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

  /**
   * Per link from .. to: the mtime in ms of the link itself, or of the file `instead` gives for
   * it (none: null); NaN for none or a file gone or unreadable by now.
   */
  async linkTimes(links: PackedStrings, instead: readonly (readonly [number, string | null])[], from = 0, to = links.offsets.length - 1, by?: TimesBy): Promise<Float64Array> {
    const answer = await this.ask({ kind: 'times', links: sharedStrings(links), instead: instead.filter(([i]) => i >= from && i < to), from, to, ...(by === undefined ? {} : { by }) });
    if (!('mtimes' in answer)) throw new Error('disk worker: no link times');
    return answer.mtimes;
  }

  /** stringOrder (store/byteOrder.ts) of the strings, made on the thread. */
  async stringOrder(strings: PackedStrings): Promise<StringOrder> {
    const answer = await this.ask({ kind: 'order-bytes', strings: sharedStrings(strings) });
    if (!('order' in answer)) throw new Error('disk worker: no order');
    return answer.order;
  }

  /**
   * Starts measuring every valid path (PathTable.raw: bytes, not a string per path), unless the
   * disk usage cache may stand in for it (checked here: then the paths need not go at all).
   */
  measureValid(paths: PathTable, storeDir: string, realStoreDir: string, cache?: DiskCacheRequest): void {
    const { bytes, offsets, head } = paths.raw;
    const saved = cache === undefined ? undefined : keptUsage(cache, realStoreDir, offsets.length - 1);
    // Failures come with usage().
    if (saved !== undefined) {
      const arrays = [saved.own, saved.inodeDev, saved.inodeIno, saved.inodeBytes, saved.holderStart, saved.holderList];
      this.ask({ kind: 'saved', saved }, arrays.map((a) => a.buffer as ArrayBuffer)).catch(() => undefined);
      return;
    }
    // Copied into shared memory: the table stays in use here, and its arrays may be views of a
    // far bigger buffer (the graph cache's), which a message would copy whole.
    this.ask({ kind: 'valid', pathBytes: shared(bytes), pathOffsets: shared(offsets), pathHead: head === undefined ? '' : Buffer.from(head).toString('latin1'), storeDir, realStoreDir, ...(cache === undefined ? {} : { cache }) }).catch(() => undefined);
  }

  /** Starts ordering the keep graph (graphOrder.ts), which sizes() then uses: it needs no liveness. */
  orderEarly(succ: Csr, memo: string | undefined): void {
    this.ordered = succ;
    // Failures come with sizes(), which orders the graph itself.
    this.ask({ kind: 'order', succStart: succ.start, succList: succ.list, ...(memo === undefined ? {} : { memo }) }).catch(() => undefined);
  }

  /** Adds the nodes of `nodes` that `measured` picks and that are not valid (not in the table). */
  async measureExtra(nodes: NodeTable, measured: (id: number) => boolean, storeDir: string, realStoreDir: string): Promise<void> {
    const extra: [number, string][] = [];
    for (let id = nodes.validCount; id < nodes.size; id++) if (measured(id)) extra.push([id, realStoreDir + nodes.pathOf(id).slice(storeDir.length)]);
    await this.ask({ kind: 'extra', extra });
  }

  /**
   * measureSizes (rootSizes.ts) over the alive nodes' disk usage, computed on the thread, or
   * read from `memo` (sizesMemo.ts) when it was kept for the same inputs.
   */
  async sizes(job: SizesJob, alive: Uint8Array, memo: SizesMemoRequest | undefined): Promise<SizeSums> {
    // The thread kept the keep graph orderEarly sent (26 MB at 1.3M paths: copied again, and
    // digested again for the memo, it cost a few hundred ms).
    const sent = job.succ === this.ordered ? { ...job, succ: undefined } : job;
    const answer = await this.ask({ kind: 'sizes', job: sent, alive, ...(memo === undefined ? {} : { memo }) });
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

  /** @param transfer buffers handed over (gone here), not copied. */
  private ask(task: DiskTask, transfer: ArrayBuffer[] = []): Promise<DiskAnswer> {
    const id = this.asked++;
    const answer = new Promise<DiskAnswer>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker.postMessage({ ...task, id } satisfies DiskJob, transfer);
    return answer.then((a) => {
      if ('error' in a) throw new StoregcError(a.error.code, a.error.path, a.error.message, a.error.hint);
      if ('bug' in a) throw new Error(`disk worker: ${a.bug}`);
      return a;
    });
  }
}
