/**
 * Test hook for the crash-safety proofs: once armed with K, the K-th crash point reached kills
 * the process with SIGKILL, exactly as an outside kill at that instant would. Crash points sit
 * between every two steps whose order matters (rows, then files). Production code never arms
 * it: the CLI entry point does, from STOREGC_TEST_CRASH_AT, and hands the same K to the deletion
 * worker; no stage reads the environment itself.
 */
let target = 0;
let reached = 0;

export function armCrashPoints(k: number): void {
  target = Number.isInteger(k) && k > 0 ? k : 0;
  reached = 0;
}

/** The K this thread was armed with (0: disarmed), for a worker thread to be armed alike. */
export function crashTarget(): number {
  return target;
}

export function crashPoint(): void {
  if (target > 0 && ++reached === target) process.kill(process.pid, 'SIGKILL');
}
