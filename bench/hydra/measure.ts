/**
 * One measurement = one child process (spawnSync), wall time taken around it, and peak RSS and
 * CPU time (user + system) from `/usr/bin/time -f '%U %S %M'` (the last line of stderr). A time limit is enforced by coreutils
 * `timeout` inside `time`, so the measured command itself is killed, not just the wrapper.
 */
import { spawnSync } from 'node:child_process';

export interface Command {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Keep stdout (JSON to parse); otherwise it goes to /dev/null. */
  readonly captureStdout?: boolean;
  readonly timeoutMs?: number;
}

export interface Sample {
  readonly ms: number;
  readonly rssKiB: number | null;
  /** User plus system CPU time of the command and its children, in ms. */
  readonly cpuMs: number | null;
  readonly status: number | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  /** The last line the command wrote to stderr, for failure notes. */
  readonly lastError: string;
}

const TIMED_OUT = 124;

export function runOnce(cmd: Command): Sample {
  const limit = cmd.timeoutMs === undefined ? [] : ['timeout', '-k', '10', String(Math.ceil(cmd.timeoutMs / 1000))];
  const start = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', '%U %S %M', ...limit, cmd.command, ...cmd.args], {
    env: cmd.env,
    encoding: 'utf8',
    stdio: ['ignore', cmd.captureStdout === true ? 'pipe' : 'ignore', 'pipe'],
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.error !== undefined) throw run.error;
  const lines = run.stderr.trimEnd().split('\n');
  const last = lines.at(-1) ?? '';
  const timed = /^([0-9.]+) ([0-9.]+) ([0-9]+)$/.exec(last);
  const rssKiB = timed === null ? null : Number(timed[3]);
  const cpuMs = timed === null ? null : (Number(timed[1]) + Number(timed[2])) * 1000;
  const errors = lines.slice(0, timed === null ? lines.length : -1).filter((l) => !l.startsWith('Command exited with non-zero status'));
  return {
    ms,
    rssKiB,
    cpuMs,
    status: run.status,
    timedOut: cmd.timeoutMs !== undefined && run.status === TIMED_OUT,
    stdout: run.stdout ?? '',
    lastError: errors.at(-1) ?? '',
  };
}

/** Numeric fields of the last JSON object a command printed, or {} if it printed none. */
export function jsonFields(stdout: string): Record<string, number> {
  const start = stdout.lastIndexOf('\n{');
  try {
    const value = JSON.parse(stdout.slice(start + 1)) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, number] => typeof e[1] === 'number'));
  } catch {
    return {};
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, ms));
};
