/**
 * Runtime-root holders (reference §4): a `sleep` process whose cwd, environment, open file
 * descriptor or executable lies in the store, kept alive while both storegc and Nix scan /proc,
 * then killed. The exe case runs a copy of the system `sleep` placed inside a store path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

export interface HolderOptions {
  /** Working directory (e.g. a store path). Default: the scratch root. */
  readonly cwd?: string;
  /** The whole environment of the holder. */
  readonly env?: Readonly<Record<string, string>>;
  /** Executable to run as `<exe> 1000` (default the system sleep). */
  readonly exe?: string;
  /** A file opened read-only and passed as fd 3. */
  readonly fdFile?: string;
}

export const SYSTEM_SLEEP = ['/usr/bin/sleep', '/bin/sleep'].find((p) => existsSync(p)) ?? 'sleep';

/** The bytes of the system sleep binary, to put into a store path. */
export function sleepBinary(): Buffer {
  return readFileSync(SYSTEM_SLEEP);
}

/** Starts a holder process (exec has happened when this returns); the result kills it. */
export function spawnHolder(opts: HolderOptions): () => void {
  const fd = opts.fdFile === undefined ? undefined : openSync(opts.fdFile, 'r');
  let child: ChildProcess;
  try {
    child = spawn(opts.exe ?? SYSTEM_SLEEP, ['1000'], {
      cwd: opts.cwd,
      env: { ...(opts.env ?? { PATH: '/usr/bin:/bin' }) },
      stdio: fd === undefined ? 'ignore' : ['ignore', 'ignore', 'ignore', fd],
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`could not start ${opts.exe ?? SYSTEM_SLEEP}`);
  return () => {
    child.kill('SIGKILL');
  };
}
