/**
 * `npm run bench -- [--sizes 10k,100k,1M] [--runs N] [--seed S] [--dir D] [--skip-nix]`
 * parsed into one frozen value; nothing else in the benchmark reads argv.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchOptions {
  /** Root counts, ascending. */
  readonly sizes: readonly number[];
  /** Timed runs per method (after one untimed warm-up run). */
  readonly runs: number;
  readonly seed: number;
  /** Where generated trees are cached, one directory per (size, seed). */
  readonly dir: string;
  readonly skipNix: boolean;
}

const USAGE = 'usage: npm run bench -- [--sizes 10k,100k,1M] [--runs N] [--seed S] [--dir D] [--skip-nix]';

/** `10k` -> 10000, `1M` -> 1000000, `2500` -> 2500. */
export function parseSize(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([kKmM]?)$/.exec(text.trim());
  if (m === null) throw new Error(`'${text}' is not a size like 10k, 100k or 1M. ${USAGE}`);
  const unit = m[2]!.toLowerCase();
  return Math.round(Number(m[1]) * (unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : 1));
}

/** 1000000 -> `1M`, 100000 -> `100k`. */
export function sizeLabel(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

function positiveInt(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer. ${USAGE}`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const shm = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  let sizes = [10_000, 100_000, 1_000_000];
  let runs = 5;
  let seed = 1;
  let dir = join(shm, 'storegc-bench-roots');
  let skipNix = false;
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
    else if (flag === '--dir') dir = value();
    else if (flag === '--skip-nix') skipNix = true;
    else throw new Error(`unknown argument '${flag}'. ${USAGE}`);
  }
  if (sizes.some((n) => n < 1000)) throw new Error(`sizes must be at least 1k roots. ${USAGE}`);
  return Object.freeze({ sizes: [...new Set(sizes)].sort((a, b) => a - b), runs, seed, dir, skipNix });
}
