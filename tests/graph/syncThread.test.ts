/**
 * A thread waited for synchronously (syncThread.ts): its answer when it gives one, and a caller
 * that reads for itself, neither hanging nor ending with a stack trace, when it dies or hangs.
 */
import { describe, expect, it } from 'vitest';
import { SyncThread } from '../../src/graph/cache/syncThread.js';

const DONE = 2;
const answerCode = (before: string): string => `${before}
workerData.port.postMessage({ value: workerData.value * 2 });
report(${DONE});
`;

describe('SyncThread', () => {
  it('hands over the answer the worker posted once it reports its last phase', () => {
    const thread = new SyncThread(answerCode(''), { value: 21 }, DONE, { stallMs: 5_000 });
    expect(thread.answer<{ value: number }>()).toEqual({ value: 42 });
    thread.close();
  });

  it('waits for a worker that keeps beating, longer than it may stay quiet', () => {
    // Quiet for 150 ms at most, beating for 900 ms in all, allowed 400 ms without a beat.
    const slow = `for (let i = 0; i < 6; i++) { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150); beat(); }`;
    const thread = new SyncThread(answerCode(slow), { value: 1 }, DONE, { stallMs: 400 });
    expect(thread.answer<{ value: number }>()).toEqual({ value: 2 });
    thread.close();
  });

  it('gives up on a worker that died, without ending the process', async () => {
    // An error thrown out of the worker's code is an 'error' event on the Worker: unheard, it
    // would end this process (vitest reports it as an unhandled error).
    const thread = new SyncThread(answerCode('throw new Error("the helper died");'), { value: 1 }, DONE, { stallMs: 300 });
    const t0 = Date.now();
    expect(thread.answer()).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(5_000);
    thread.close();
    // Let the error event arrive while this test still runs.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  it('gives up on a worker that hangs', () => {
    const hang = 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);';
    const thread = new SyncThread(answerCode(hang), { value: 1 }, DONE, { stallMs: 300 });
    expect(thread.answer()).toBeUndefined();
    thread.close();
  });
});
