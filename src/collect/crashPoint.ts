/**
 * Test hook for the crash-safety proof: with STOREGC_TEST_CRASH_AT=K, the K-th crash point
 * reached kills the process with SIGKILL, exactly as an outside kill at that instant would.
 * Crash points sit between every two steps whose order matters (rows, then files).
 */
const target = Number(process.env.STOREGC_TEST_CRASH_AT ?? 0);
let reached = 0;

export function crashPoint(): void {
  if (target > 0 && ++reached === target) process.kill(process.pid, 'SIGKILL');
}
