/**
 * The value syntax of the scheduling flags (issue 9): durations (`30d`, `12h`, `90m`, `45s`),
 * sizes (bytes, or K/M/G/T in powers of 1024, as `--max-freed`) and free-space targets that may
 * also be a percentage of the file system's size (`30%`). Strict like `parseSize` in the CLI: no
 * sign, no blanks, no fractions, one unit letter; a value that is not what it looks like is
 * refused with a usage error naming the flag, never guessed at.
 */
import { StoregcError } from '../errors.js';

/** The largest size: what an over-large value is clamped to (the same as --max-freed's "unlimited"). */
export const MAX_SIZE = 2n ** 64n - 1n;

const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const SHIFT: Record<string, bigint> = { '': 0n, K: 10n, M: 20n, G: 30n, T: 40n };

/** A free-space target: absolute bytes, or a whole percentage of the file system's size. */
export type SizeTarget = { readonly kind: 'bytes'; readonly bytes: bigint } | { readonly kind: 'percent'; readonly percent: number };

function usage(flag: string, value: string, what: string, hint: string): StoregcError {
  return new StoregcError('usage', undefined, `${flag}: '${value}' is not ${what}`, hint);
}

/** `N` followed by d, h, m or s, in seconds. */
export function parseDuration(flag: string, value: string): number {
  const m = /^([0-9]+)([dhms])$/.exec(value);
  const hint = 'use a whole number followed by d, h, m or s, e.g. 30d or 12h';
  if (m === null) throw usage(flag, value, 'a duration', hint);
  const seconds = Number(m[1]) * SECONDS[m[2]!]!;
  if (!Number.isSafeInteger(seconds)) throw usage(flag, value, 'a duration this program can represent', hint);
  return seconds;
}

/** The shortest canonical text of a duration in seconds (largest unit that divides it). */
export function formatDuration(seconds: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    const n = SECONDS[unit]!;
    if (seconds !== 0 && seconds % n === 0) return `${seconds / n}${unit}`;
  }
  return `${seconds}s`;
}

/** Bytes with an optional K, M, G or T suffix (any case, powers of 1024), clamped to MAX_SIZE. */
export function parseSizeBytes(flag: string, value: string): bigint {
  const m = /^([0-9]+)([A-Za-z]?)$/.exec(value);
  const shift = m === null ? undefined : SHIFT[m[2]!.toUpperCase()];
  if (m === null || shift === undefined) {
    throw usage(flag, value, 'a size', 'use a non-negative whole number with an optional K, M, G or T suffix, e.g. 50G');
  }
  const n = BigInt(m[1]!) << shift;
  return n > MAX_SIZE ? MAX_SIZE : n;
}

/** A size, or `N%` (0 to 100) of the file system holding the store. */
export function parseSizeTarget(flag: string, value: string): SizeTarget {
  const m = /^([0-9]+)%$/.exec(value);
  if (m === null) return { kind: 'bytes', bytes: parseSizeBytes(flag, value) };
  const percent = Number(m[1]);
  if (percent > 100) throw usage(flag, value, 'a percentage of the file system', 'use a whole number from 0 to 100 followed by %, e.g. 30%');
  return { kind: 'percent', percent };
}

/** The target in bytes for a file system of `fsBytes` (statfs blocks * block size), rounded down. */
export function resolveSizeTarget(target: SizeTarget, fsBytes: bigint): bigint {
  return target.kind === 'bytes' ? target.bytes : (fsBytes * BigInt(target.percent)) / 100n;
}
