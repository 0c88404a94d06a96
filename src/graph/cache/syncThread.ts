/**
 * A worker thread whose caller waits for it synchronously (inside a read transaction: refsPrefetch.ts,
 * rowsOnThread.ts): the worker reports its phases, and a beat as it makes progress, in shared
 * memory, and hands its answer over a port read with receiveMessageOnPort.
 *
 * A waiting caller sees no events, so a worker that dies (its code throws, or Node stops it for
 * memory) or hangs would be waited for forever. The caller gives up on it when neither its phase
 * nor its beat moved for `stallMs`, and reads for itself; the worker's error event is taken (a
 * failed helper is no failure of the run: without a listener it would end the process with a
 * stack trace).
 */
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';

/** How long a thread may take to start running at all before it is given up on. */
const START_TIMEOUT_MS = 10_000;
/** How long a running thread may make no progress: a page of rows or a chunk of a file takes far less. */
const STALL_MS = 60_000;

/**
 * Prepended to the worker's code: `report(phase)` and `beat()` (call it as work is done, at least
 * every few seconds), and `workerData`.
 */
const PRELUDE = `
const { workerData } = require('node:worker_threads');
const shared = new Int32Array(workerData.shared);
const report = (p) => { Atomics.store(shared, 0, p); Atomics.notify(shared, 0); };
const beat = () => { Atomics.add(shared, 1, 1); Atomics.notify(shared, 0); };
report(1);
`;

/** The phase every worker reports first, on its own. */
export const STARTED = 1;

export interface SyncThreadOptions {
  /** Tests only: how long the worker may make no progress. */
  readonly stallMs?: number;
}

export class SyncThread {
  /** [phase, beats] */
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private readonly stallMs: number;
  private done = false;

  /**
   * @param code the worker's code (CommonJS, evaluated: it runs the same from the sources as from
   *   dist), after the prelude; it posts its answer on `workerData.port` and reports its last phase.
   */
  constructor(code: string, data: Record<string, unknown>, private readonly last: number, options: SyncThreadOptions = {}) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.stallMs = options.stallMs ?? STALL_MS;
    this.worker = new Worker(PRELUDE + code, { eval: true, workerData: { ...data, shared: this.shared.buffer, port: port2 }, transferList: [port2] });
    // Never what keeps the process running, and never its end: a waiter that stops hearing from it reads for itself.
    this.worker.unref();
    this.worker.on('error', () => undefined);
  }

  /**
   * Blocks until the worker reached `phase`; false when it did not start within the start timeout,
   * or stopped making progress (then the caller reads for itself).
   */
  waitFor(phase: number): boolean {
    let seen = Atomics.load(this.shared, 0);
    let beats = Atomics.load(this.shared, 1);
    const startBy = Date.now() + START_TIMEOUT_MS;
    let quietSince = Date.now();
    while (seen < phase) {
      const limit = seen < STARTED ? startBy : quietSince + this.stallMs;
      const left = limit - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.shared, 0, seen, Math.min(left, 1000));
      const nowPhase = Atomics.load(this.shared, 0);
      const nowBeats = Atomics.load(this.shared, 1);
      if (nowPhase !== seen || nowBeats !== beats) quietSince = Date.now();
      seen = nowPhase;
      beats = nowBeats;
    }
    return true;
  }

  /** The worker's answer, once it reported its last phase; undefined if it gave none. */
  answer<T>(): T | undefined {
    if (!this.waitFor(this.last)) return undefined;
    return receiveMessageOnPort(this.port)?.message as T | undefined;
  }

  /** Stops the thread if it still runs; idempotent. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.port.close();
    if (Atomics.load(this.shared, 0) !== this.last) void this.worker.terminate();
  }
}
