/**
 * A sort of binary strings (store/bytes.ts) by bytes, for hundreds of thousands of long strings
 * that share long prefixes, such as root links (`/nix/var/nix/gcroots/hydra/<hash>-<name>`):
 * comparing strings spends its time on those prefixes again and again (700k root links: 2.5 s).
 * Here each range of indices skips the prefix its strings share and is sorted by a number made
 * of the next four characters and the position in the range, with the typed-array sort that
 * takes no comparator; only runs of equal characters go on, four characters further. Pure.
 */

const WIDTH = 4;
/** Each character as its code + 1 (0: past the end), in base 257: 4 characters need 33 bits. */
const BASE = 257;
/** Bits for the position within a range: the key stays below 2^53, exact in a double. */
const POSITION = 2 ** 20;

/** Indices of `strings` in byte order; equal strings keep their index order. */
export function byteOrder(strings: readonly string[]): Int32Array {
  const order = Int32Array.from({ length: strings.length }, (_, i) => i);
  let keys = new Float64Array(0);
  // Ranges [from, to) still to sort, and how many leading characters their strings share.
  const ranges: number[] = [0, strings.length, 0];
  while (ranges.length > 0) {
    let depth = ranges.pop()!;
    const to = ranges.pop()!;
    const from = ranges.pop()!;
    const size = to - from;
    if (size < 2) continue;
    if (size > POSITION) {
      // Too many for the key's position bits (a million roots and more): compare strings.
      const slice = [...order.subarray(from, to)].sort((a, b) => (strings[a]! < strings[b]! ? -1 : strings[a]! > strings[b]! ? 1 : a - b));
      order.set(slice, from);
      continue;
    }
    depth = sharedPrefix(strings, order, from, to, depth);
    if (keys.length < size) keys = new Float64Array(size);
    const key = keys.subarray(0, size);
    for (let k = 0; k < size; k++) {
      const s = strings[order[from + k]!]!;
      let v = 0;
      for (let j = depth; j < depth + WIDTH; j++) v = v * BASE + (j < s.length ? s.charCodeAt(j) + 1 : 0);
      key[k] = v * POSITION + k;
    }
    key.sort();
    const before = order.slice(from, to);
    for (let k = 0; k < size; k++) order[from + k] = before[key[k]! % POSITION]!;
    // Equal characters: strings equal for four more; equal strings if they end there.
    for (let run = 0; run < size;) {
      const chars = Math.floor(key[run]! / POSITION);
      let end = run + 1;
      while (end < size && Math.floor(key[end]! / POSITION) === chars) end++;
      if (end - run > 1 && strings[order[from + run]!]!.length > depth + WIDTH) ranges.push(from + run, from + end, depth + WIDTH);
      run = end;
    }
  }
  return order;
}

/** How many leading characters all strings of the range share (at least `known`), string by string. */
function sharedPrefix(strings: readonly string[], order: Int32Array, from: number, to: number, known: number): number {
  const first = strings[order[from]!]!;
  let shared = first.length;
  for (let k = from + 1; k < to && shared > known; k++) {
    const s = strings[order[k]!]!;
    let j = known;
    const end = Math.min(shared, s.length);
    while (j < end && s.charCodeAt(j) === first.charCodeAt(j)) j++;
    shared = j;
  }
  return Math.max(known, shared);
}

/** The position of each i in byte order of (first[i], then second[i]): the order `roots` lists links and paths in. */
export function rankPairs(first: readonly string[], second: readonly string[]): Int32Array {
  const order = byteOrder(first);
  for (let run = 0; run < order.length;) {
    let end = run + 1;
    while (end < order.length && first[order[end]!] === first[order[run]!]) end++;
    if (end - run > 1) order.set([...order.subarray(run, end)].sort((a, b) => (second[a]! < second[b]! ? -1 : second[a]! > second[b]! ? 1 : a - b)), run);
    run = end;
  }
  const rank = new Int32Array(order.length);
  order.forEach((i, position) => {
    rank[i] = position;
  });
  return rank;
}
