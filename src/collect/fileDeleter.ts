/**
 * Deletes batches of store entries on a worker thread, one batch at a time, in order.
 */
import { Worker } from 'node:worker_threads';
import { crashArming } from './crashPoint.js';
import type { DeleteJob, DeleteOutcome } from './deleteWorker.js';

export class FileDeleter {
  // A crash-point test arms the worker's crash points like this thread's (see crashPoint.ts).
  private readonly worker = new Worker(new URL('./deleteWorker.js', import.meta.url), { workerData: crashArming() });
  private queue: Promise<unknown> = Promise.resolve();

  /** Real (on-disk) paths; resolves with one outcome per path, in order. */
  delete(realPaths: readonly string[]): Promise<DeleteOutcome[]> {
    const run = this.queue.then(() => new Promise<DeleteOutcome[]>((resolve, reject) => {
      const onMessage = (outcomes: DeleteOutcome[]): void => {
        this.worker.off('error', onError);
        resolve(outcomes);
      };
      const onError = (error: Error): void => {
        this.worker.off('message', onMessage);
        reject(error);
      };
      this.worker.once('message', onMessage);
      this.worker.once('error', onError);
      this.worker.postMessage({ paths: realPaths } satisfies DeleteJob);
    }));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
