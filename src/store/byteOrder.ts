/**
 * A sort of binary strings (store/bytes.ts), packed into one buffer, by bytes, for hundreds of
 * thousands of long strings that share long prefixes, such as root links (`/nix/var/nix/gcroots/hydra/<hash>-<name>`):
 * comparing strings spends its time on those prefixes again and again (700k root links: 2.5 s).
 * Here each range of indices skips the prefix its strings share and is sorted by a number made
 * of the next four bytes and the position in the range, with the typed-array sort that
 * takes no comparator; only runs of equal bytes go on, four bytes further. Working on bytes, not
 * strings, it never flattens a string made by concatenation, and can run on another thread. Pure.
 * Where the native helper loads it sorts instead (native/byteOrder.c: a C sort of the same order,
 * several times faster); this is the sort without it.
 */
import { helperBy } from './native.js';
import type { By } from './native.js';

const WIDTH = 4;
/** Each byte as its value + 1 (0: past the end), in base 257: 4 bytes need 33 bits. */
const BASE = 257;
/** Bits for the position within a range: the key stays below 2^53, exact in a double. */
const POSITION = 2 ** 20;

/** Binary strings packed into one buffer: string i is bytes[offsets[i] .. offsets[i+1]). */
export interface PackedStrings {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  /**
   * What precedes every string, when the strings share it and it is kept once (a path table's
   * store directory): string `i` is head + bytes[offsets[i] .. offsets[i + 1]). Common to all,
   * so orders and equalities are those of the bytes.
   */
  readonly head?: Uint8Array;
}

/**
 * Packs binary strings (one join, one latin1 write: no buffer per string).
 * @param shared in shared memory (posted to a thread, shared, not copied): written there at
 *   once, not packed and then copied (700k root links: 50 MB copied, 0.15 s).
 */
export function packLatin1(strings: readonly string[], shared = false): PackedStrings {
  const offsets = packedOffsets(strings.length, shared);
  for (let i = 0; i < strings.length; i++) offsets[i + 1] = offsets[i]! + strings[i]!.length;
  return packedText(strings.join(''), offsets, shared);
}

/** Offsets for `count` packed strings, all 0 (in shared memory if asked: see packLatin1). */
export function packedOffsets(count: number, shared: boolean): Uint32Array {
  return new Uint32Array(shared ? new SharedArrayBuffer(4 * (count + 1)) : new ArrayBuffer(4 * (count + 1)));
}

/** The strings whose concatenation is `text` and whose ends are `offsets`, packed (see packLatin1). */
export function packedText(text: string, offsets: Uint32Array, shared: boolean): PackedStrings {
  if (!shared) return { bytes: Buffer.from(text, 'latin1'), offsets };
  const memory = new SharedArrayBuffer(text.length);
  Buffer.from(memory).write(text, 0, 'latin1');
  return { bytes: new Uint8Array(memory), offsets };
}

/** Indices of the packed strings in byte order; equal strings keep their index order. */
export function byteOrder(packed: PackedStrings, by?: By): Int32Array {
  const { bytes, offsets } = packed;
  const count = offsets.length - 1;
  const order = new Int32Array(count);
  const helper = helperBy(by);
  if (helper !== null) {
    helper.byteOrder(bytes, offsets, order);
    return order;
  }
  for (let i = 0; i < count; i++) order[i] = i;
  let keys = new Float64Array(0);
  // Ranges [from, to) still to sort, and how many leading bytes their strings share.
  const ranges: number[] = [0, count, 0];
  while (ranges.length > 0) {
    let depth = ranges.pop()!;
    const to = ranges.pop()!;
    const from = ranges.pop()!;
    const size = to - from;
    if (size < 2) continue;
    if (size > POSITION) {
      // Too many for the key's position bits (a million roots and more): compare strings.
      const slice = [...order.subarray(from, to)].sort((a, b) => compareStrings(packed, a, b) || a - b);
      order.set(slice, from);
      continue;
    }
    depth = sharedPrefix(packed, order, from, to, depth);
    if (keys.length < size) keys = new Float64Array(size);
    const key = keys.subarray(0, size);
    for (let k = 0; k < size; k++) {
      const i = order[from + k]!;
      const at = offsets[i]!;
      const length = offsets[i + 1]! - at;
      let v = 0;
      for (let j = depth; j < depth + WIDTH; j++) v = v * BASE + (j < length ? bytes[at + j]! + 1 : 0);
      key[k] = v * POSITION + k;
    }
    key.sort();
    const before = order.slice(from, to);
    for (let k = 0; k < size; k++) order[from + k] = before[key[k]! % POSITION]!;
    // Equal bytes: strings equal for four more; equal strings if they all end there. One that
    // ends there is in the run with longer ones (`ab` with `abc` and `abb`, past the shared
    // prefix): then the run goes on, and it sorts first.
    for (let run = 0; run < size;) {
      const chars = Math.floor(key[run]! / POSITION);
      let end = run + 1;
      let longer = false;
      for (; end < size && Math.floor(key[end]! / POSITION) === chars; end++) {
        const i = order[from + end]!;
        longer ||= offsets[i + 1]! - offsets[i]! > depth + WIDTH;
      }
      const first = order[from + run]!;
      longer ||= offsets[first + 1]! - offsets[first]! > depth + WIDTH;
      if (end - run > 1 && longer) ranges.push(from + run, from + end, depth + WIDTH);
      run = end;
    }
  }
  return order;
}

/** How many leading bytes all strings of the range share (at least `known`), string by string. */
function sharedPrefix(packed: PackedStrings, order: Int32Array, from: number, to: number, known: number): number {
  const { bytes, offsets } = packed;
  const first = offsets[order[from]!]!;
  let shared = offsets[order[from]! + 1]! - first;
  for (let k = from + 1; k < to && shared > known; k++) {
    const at = offsets[order[k]!]!;
    let j = known;
    const end = Math.min(shared, offsets[order[k]! + 1]! - at);
    while (j < end && bytes[at + j] === bytes[first + j]) j++;
    shared = j;
  }
  return Math.max(known, shared);
}

/** Strings a and b compared by bytes: negative, 0 or positive. */
function compareStrings(packed: PackedStrings, a: number, b: number): number {
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

/** Does every packed string begin with `head`? */
export function sharePrefix(packed: PackedStrings, head: Uint8Array, by?: By): boolean {
  const { bytes, offsets } = packed;
  const helper = helperBy(by);
  if (helper !== null) return helper.sharePrefix(bytes, offsets, head);
  const n = offsets.length - 1;
  for (let i = 0; i < n; i++) {
    const at = offsets[i]!;
    if (offsets[i + 1]! - at < head.length) return false;
    for (let k = 0; k < head.length; k++) if (bytes[at + k] !== head[k]) return false;
  }
  return true;
}

/**
 * String order[k] of `packed`, without its first `skip` bytes, as string k of the result: the
 * strings repacked in the order given (the caller knows each to be at least `skip` long).
 */
export function gather(packed: PackedStrings, order: Int32Array, skip: number, by?: By): { bytes: Buffer; offsets: Uint32Array } {
  const { bytes: from, offsets: at } = packed;
  const n = order.length;
  let total = 0;
  for (let k = 0; k < n; k++) total += at[order[k]! + 1]! - at[order[k]!]! - skip;
  const bytes = Buffer.allocUnsafe(total);
  const offsets = new Uint32Array(n + 1);
  const helper = helperBy(by);
  if (helper !== null) {
    helper.gather(from, at, order, skip, bytes, offsets);
    return { bytes, offsets };
  }
  for (let k = 0, to = 0; k < n; k++) {
    const i = order[k]!;
    // Byte by byte: a native copy per string costs more than the forty-odd bytes it moves.
    for (let b = at[i]! + skip, end = at[i + 1]!; b < end; b++) bytes[to++] = from[b]!;
    offsets[k + 1] = to;
  }
  return { bytes, offsets };
}

/** Byte order of the packed strings, and for each position whether its string equals the one before. */
export interface StringOrder {
  readonly order: Int32Array;
  readonly same: Uint8Array;
}

export function stringOrder(packed: PackedStrings): StringOrder {
  const order = byteOrder(packed);
  const same = new Uint8Array(order.length);
  for (let k = 1; k < order.length; k++) if (equalStrings(packed, order[k]!, order[k - 1]!)) same[k] = 1;
  return { order, same };
}

/**
 * Whether strings a and b are equal: lengths first, then bytes from the end, where neighbours
 * in byte order usually differ (from the start, each pair of 700k root links went through its
 * long shared directory prefix first: 40% of the time of stringOrder).
 */
function equalStrings(packed: PackedStrings, a: number, b: number): boolean {
  const { bytes, offsets } = packed;
  const at = offsets[a]!;
  const bt = offsets[b]!;
  const length = offsets[a + 1]! - at;
  if (length !== offsets[b + 1]! - bt) return false;
  for (let j = length - 1; j >= 0; j--) if (bytes[at + j] !== bytes[bt + j]) return false;
  return true;
}

/**
 * `ordered` (stringOrder of the first strings) with each run of equal first strings sorted by the
 * second (then index), in place: the indices in byte order of (first[i], then second[i]). The
 * runs stay where they were, so `ordered.same` still marks them.
 */
export function orderPairs(ordered: StringOrder, second: readonly string[] | ((i: number) => string)): Int32Array {
  const { order, same } = ordered;
  // Read only for runs of equal first strings (a root's path is made when read: listedRoot.ts).
  const at = typeof second === 'function' ? second : (i: number): string => second[i]!;
  for (let run = 0; run < order.length;) {
    let end = run + 1;
    while (end < order.length && same[end] === 1) end++;
    if (end - run > 1) {
      const pairs = [...order.subarray(run, end)].map((i) => ({ i, s: at(i) }));
      order.set(pairs.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.i - b.i)).map((x) => x.i), run);
    }
    run = end;
  }
  return order;
}

/**
 * The position of each i in byte order of (first[i], then second[i]): the order `roots` lists
 * links and paths in. `ordered`: stringOrder(first), when another thread made it.
 */
export function rankPairs(first: PackedStrings, second: readonly string[] | ((i: number) => string), ordered: StringOrder = stringOrder(first)): Int32Array {
  const order = orderPairs(ordered, second);
  const rank = new Int32Array(order.length);
  order.forEach((i, position) => {
    rank[i] = position;
  });
  return rank;
}
