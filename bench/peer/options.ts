/**
 * `npm run bench:peer -- [--sizes 26k,200k] [--runs N] [--peer PATH] [--disk-dir D] [--skip-nix]
 * [--seed S] [--dir D] [--gc-paths N] [--gc-runs N] [--skip-gc] [--skip-sizes]` parsed into one frozen value;
 * nothing else in the peer benchmark reads argv. Sizes are valid paths (the store's size).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSize } from '../hydra/options.js';

export interface PeerOptions {
  /** Store sizes in valid paths, ascending. */
  readonly sizes: readonly number[];
  /** Timed runs per state (after one untimed warm-up run). */
  readonly runs: number;
  readonly seed: number;
  /** fast-nix-gc's executable; its rows are skipped with a message when it is absent. */
  readonly peer: string;
  /** Where generated trees are cached (tmpfs by default). */
  readonly dir: string;
  /** Where the deletion stores are written: a disk file system, not tmpfs. */
  readonly diskDir: string;
  readonly skipNix: boolean;
  readonly skipGc: boolean;
  /** Leave out `roots --sizes` beside `dead` (issue 10). */
  readonly skipSizes: boolean;
  /** Dead paths in each deletion store. */
  readonly gcPaths: number;
  readonly gcRuns: number;
}

const REPO = join(import.meta.dirname, '..', '..', '..');
export const DEFAULT_PEER = resolve(REPO, '..', 'shared', 'peers', 'fast-nix-gc', 'fast-nix-gc');
const USAGE = 'usage: npm run bench:peer -- [--sizes 26k,100k,200k,1.3M] [--runs N] [--peer PATH] [--disk-dir D] [--skip-nix] [--seed S] [--dir D] [--gc-paths N] [--gc-runs N] [--skip-gc] [--skip-sizes]';

function positiveInt(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer. ${USAGE}`);
  return n;
}

export function parsePeerOptions(argv: readonly string[]): PeerOptions {
  const shm = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  let sizes = [26_000, 200_000];
  let runs = 3;
  let seed = 1;
  let peer = DEFAULT_PEER;
  let dir = join(shm, 'storegc-bench-peer');
  let diskDir = '/var/tmp';
  let skipNix = false;
  let skipGc = false;
  let skipSizes = false;
  let gcPaths = 74_000;
  let gcRuns = 1;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value. ${USAGE}`);
      return v;
    };
    if (flag === '--sizes') sizes = value().split(',').map(parseSize);
    else if (flag === '--runs') runs = positiveInt(flag, value());
    else if (flag === '--seed') seed = positiveInt(flag, value());
    else if (flag === '--peer') peer = resolve(value());
    else if (flag === '--dir') dir = resolve(value());
    else if (flag === '--disk-dir') diskDir = resolve(value());
    else if (flag === '--skip-nix') skipNix = true;
    else if (flag === '--skip-gc') skipGc = true;
    else if (flag === '--skip-sizes') skipSizes = true;
    else if (flag === '--gc-paths') gcPaths = parseSize(value());
    else if (flag === '--gc-runs') gcRuns = positiveInt(flag, value());
    else throw new Error(`unknown argument '${flag}'. ${USAGE}`);
  }
  if (sizes.some((n) => n < 2000)) throw new Error(`sizes must be at least 2k paths. ${USAGE}`);
  if (gcPaths < 10) throw new Error(`--gc-paths must be at least 10. ${USAGE}`);
  return Object.freeze({ sizes: [...new Set(sizes)].sort((a, b) => a - b), runs, seed, peer, dir, diskDir, skipNix, skipGc, skipSizes, gcPaths, gcRuns });
}

/** The peer's executable if it exists, else null (its rows are then skipped). */
export const peerPresent = (path: string): string | null => (existsSync(path) ? path : null);
