/**
 * Test hook for the crash-safety proofs: once armed with K, the K-th crash point reached kills
 * the process with SIGKILL, exactly as an outside kill at that instant would. Crash points sit
 * between every two steps whose order matters (rows, then files; an outside link, then its
 * `auto/` entry; a checkpoint, then VACUUM), each named for the instant it marks. Production
 * code never arms it: the CLI entry point does, from STOREGC_TEST_CRASH_AT (and, to list the
 * points a run reaches, STOREGC_TEST_CRASH_TRACE), and the deletion worker is armed alike; no
 * stage reads the environment itself.
 *
 * The count is shared between the threads (one Int32 in a SharedArrayBuffer), so K numbers the
 * points of the whole run: the main thread's and the deletion worker's.
 */
import { appendFileSync } from 'node:fs';

/** What a worker thread needs to be armed like this one. */
export interface CrashArming {
  readonly crashAt: number;
  readonly counter: SharedArrayBuffer;
  readonly trace: string | undefined;
}

let target = 0;
let counter = new Int32Array(new SharedArrayBuffer(4));
let trace: string | undefined;

/**
 * @param k the point to die at (0: none)
 * @param traceFile when given, each point reached appends `N LABEL` to it (N counted across threads)
 * @param shared the counter of the thread that armed this one (a worker's parent)
 */
export function armCrashPoints(k: number, traceFile?: string, shared?: SharedArrayBuffer): void {
  target = Number.isInteger(k) && k > 0 ? k : 0;
  trace = traceFile === '' ? undefined : traceFile;
  counter = new Int32Array(shared ?? new SharedArrayBuffer(4));
}

/** How to arm a worker thread so that its points count with this thread's. */
export function crashArming(): CrashArming {
  return { crashAt: target, counter: counter.buffer as SharedArrayBuffer, trace };
}

/** @param label the instant this point marks, for the trace (`generation-unlinked`, ...) */
export function crashPoint(label: string): void {
  if (target === 0 && trace === undefined) return;
  const n = Atomics.add(counter, 0, 1) + 1;
  if (trace !== undefined) appendFileSync(trace, `${n} ${label}\n`);
  if (n === target) process.kill(process.pid, 'SIGKILL');
}
