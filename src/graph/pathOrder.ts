/**
 * The byte order of store paths, the order of a path table's ids. Store paths differ right after
 * the store directory, in their base-32 hash part: six of those chars (30 bits) and the index
 * (21 bits) make one float64 key, and a numeric sort of the keys does the work of a string sort
 * at a fraction of its cost. Equal keys (paths sharing those six chars) are put in order by
 * comparing the bytes. Paths that do not fit that shape, or too many of them, are sorted by
 * byteOrder (store/byteOrder.ts). Works on the packed bytes: no string per path. Pure. Where
 * the native helper loads, its sort (native/byteOrder.c) does all of this at once.
 */
import { byteOrder, packLatin1 } from '../store/byteOrder.js';
import type { PackedStrings } from '../store/byteOrder.js';
import type { By } from '../store/native.js';
import { helperBy } from '../store/native.js';

/** Index bits in a sort key: up to 2^21 - 1 = 2,097,151 paths per sort pass. */
const INDEX_BITS = 21;
const MAX_FAST_SORT = 2 ** INDEX_BITS;
const BASE32 = '0123456789abcdfghijklmnpqrsvwxyz';
/** Base-32 rank of a byte (its byte order is its rank order), or 255 outside the alphabet. */
const RANK = new Uint8Array(256).fill(255);
for (let i = 0; i < BASE32.length; i++) RANK[BASE32.charCodeAt(i)] = i;

/** Indices of `paths` (binary strings) in byte order. */
export function sortedOrder(paths: readonly string[], prefixLength: number, by?: By): Int32Array {
  return sortedOrderOfBytes(packLatin1(paths), prefixLength, false, by);
}

/**
 * Indices of the packed paths in byte order; the first `prefixLength` bytes are usually shared.
 * @param shared known: every path shares its first `prefixLength` bytes (not checked again).
 */
export function sortedOrderOfBytes(packed: PackedStrings, prefixLength: number, shared = false, by?: By): Int32Array {
  if (helperBy(by) !== null) return byteOrder(packed, by);
  const { bytes, offsets } = packed;
  const n = offsets.length - 1;
  if (n >= MAX_FAST_SORT || !(shared || sharePrefix(packed, prefixLength))) return byteOrder(packed, 'node');
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = offsets[i]!;
    const length = offsets[i + 1]! - at;
    let key = 0;
    for (let k = prefixLength; k < prefixLength + 6; k++) {
      // Past the end, or outside the alphabet: no exact numeric key.
      const rank = k < length ? RANK[bytes[at + k]!]! : 255;
      if (rank === 255) return byteOrder(packed, 'node');
      key = key * 32 + rank;
    }
    keys[i] = key * MAX_FAST_SORT + i;
  }
  keys.sort();
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = keys[i]! % MAX_FAST_SORT;
  // Runs of equal six-char keys: order them by the whole path.
  for (let start = 0; start < n;) {
    const key = Math.floor(keys[start]! / MAX_FAST_SORT);
    let end = start + 1;
    while (end < n && Math.floor(keys[end]! / MAX_FAST_SORT) === key) end++;
    if (end - start > 1) {
      const run = Array.from(order.subarray(start, end));
      run.sort((a, b) => compareAt(packed, a, b));
      order.set(run, start);
    }
    start = end;
  }
  return order;
}

/** Do all paths share their first `length` bytes (so that the key window is comparable)? */
function sharePrefix(packed: PackedStrings, length: number): boolean {
  const { bytes, offsets } = packed;
  const n = offsets.length - 1;
  if (n === 0) return true;
  const first = offsets[0]!;
  if (offsets[1]! - first < length) return false;
  for (let i = 1; i < n; i++) {
    const at = offsets[i]!;
    if (offsets[i + 1]! - at < length) return false;
    for (let k = 0; k < length; k++) if (bytes[at + k] !== bytes[first + k]) return false;
  }
  return true;
}

/** Packed strings a and b compared by bytes. */
function compareAt(packed: PackedStrings, a: number, b: number): number {
  const { bytes, offsets } = packed;
  const la = offsets[a + 1]! - offsets[a]!;
  const lb = offsets[b + 1]! - offsets[b]!;
  const n = Math.min(la, lb);
  for (let j = 0; j < n; j++) {
    const d = bytes[offsets[a]! + j]! - bytes[offsets[b]! + j]!;
    if (d !== 0) return d;
  }
  return la - lb;
}
