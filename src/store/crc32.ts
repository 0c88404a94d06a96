/**
 * CRC-32 as node:zlib computes it, by the native helper where it loads (native/crc32.c: the same
 * values, five times as fast with the CPU's carry-less multiplication), else by node:zlib. The
 * cache files are checked with it on every run.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { helperBy } from './native.js';
import type { By } from './native.js';

/**
 * The CRC-32 of `data` continued from `seed`. Empty data answers `seed` (node:zlib answers 0
 * for an empty buffer whose memory is a null pointer: not asked of it).
 */
export function crc32(data: Uint8Array, seed = 0, by?: By): number {
  if (data.length === 0) return seed >>> 0;
  const fast = helperBy(by)?.crc32;
  return fast === undefined ? zlibCrc32(data, seed) : fast(data, seed >>> 0);
}
