/**
 * Worker thread that deletes store entries (files only; their rows are already gone), so the
 * main thread can remove the next batch's rows meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { armCrashPoints } from './crashPoint.js';
import type { CrashArming } from './crashPoint.js';
import { deletePathsMeasured, shareLinkLock } from './deletePath.js';

export interface DeleteWorkerData {
  readonly arming: CrashArming | null;
  /** The hard-link lock all delete workers share (deletePath.ts). */
  readonly linkLock: SharedArrayBuffer;
}

const data = workerData as DeleteWorkerData;
if (data.arming !== null) armCrashPoints(data.arming.crashAt, data.arming.trace, data.arming.counter);
shareLinkLock(data.linkLock);

export interface DeleteJob {
  readonly paths: readonly string[];
}

export type DeleteOutcome = { readonly bytes: number; readonly diskBytes: number } | { readonly error: string };

parentPort?.on('message', (job: DeleteJob) => {
  const outcomes: DeleteOutcome[] = deletePathsMeasured(job.paths).map((outcome) => (outcome instanceof Error ? { error: outcome.message } : outcome));
  parentPort?.postMessage(outcomes);
});
