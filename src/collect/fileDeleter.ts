/**
 * Deletes batches of store entries on worker threads, one batch at a time, in order. A batch's
 * paths are spread over several workers: on a disk file system most of deletion is waiting for
 * unlink, and unlinks in flight together finish sooner (20,000 small files on ext4: 6.5 s from
 * one thread, 2.3 s from four); each worker also unlinks its files of one link several at once
 * (deletePath.ts). Every path of a batch already lost its row, so the order among them does not
 * matter; the next batch starts when the whole batch is done.
 * Hard-linked files are unlinked under one shared lock, so the bytes counted are Nix's
 * (deletePath.ts).
 */
import { Worker } from 'node:worker_threads';
import { crashArming } from './crashPoint.js';
import { newLinkLock } from './deletePath.js';
import type { DeleteJob, DeleteOutcome, DeleteWorkerData } from './deleteWorker.js';

/** Workers deleting at once: enough unlinks in flight for a disk, few enough for a small machine. */
export const DELETE_WORKERS = 4;

export class FileDeleter {
  private readonly workers: Worker[];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(count = DELETE_WORKERS) {
    // A crash-point test arms the workers' crash points like this thread's (see crashPoint.ts).
    const workerData: DeleteWorkerData = { arming: crashArming(), linkLock: newLinkLock() };
    // From dist/collect/ and from the bundle dist/cli/storegc.js alike (scripts/bundle.mjs).
    this.workers = Array.from({ length: count }, () => new Worker(new URL('../collect/deleteWorker.js', import.meta.url), { workerData }));
  }

  /** Real (on-disk) paths; resolves with one outcome per path, in order. */
  delete(realPaths: readonly string[]): Promise<DeleteOutcome[]> {
    const run = this.queue.then(async () => {
      // Round robin, so that a few big trees in a batch do not all land on one worker.
      const shares = this.workers.map((_, w) => realPaths.filter((_, i) => i % this.workers.length === w));
      const done = await Promise.all(this.workers.map((worker, w) => (shares[w]!.length === 0 ? Promise.resolve([]) : deleteOn(worker, shares[w]!))));
      return realPaths.map((_, i) => done[i % this.workers.length]![Math.floor(i / this.workers.length)]!);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function deleteOn(worker: Worker, paths: readonly string[]): Promise<DeleteOutcome[]> {
  return new Promise<DeleteOutcome[]>((resolve, reject) => {
    const onMessage = (outcomes: DeleteOutcome[]): void => {
      worker.off('error', onError);
      resolve(outcomes);
    };
    const onError = (error: Error): void => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.postMessage({ paths } satisfies DeleteJob);
  });
}
