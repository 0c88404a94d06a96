/**
 * The order `roots --sizes` lists root rows (and groups) in: by the sort key, larger first, ties
 * in the order `roots` lists links (their rank). Over typed arrays, with no object per row: at
 * 700k rows, keys as objects and their sort cost seconds of the main thread and of its garbage
 * collector. Pure.
 */

export type SizeSort = 'exclusive' | 'closure' | 'age' | 'link';

export interface SortColumns {
  /** Position of each row in link order. */
  readonly rank: Int32Array;
  /** Paths, narSize and disk bytes of each row at 3i .. 3i+2 (rootSizes.ts SizeSums). */
  readonly exclusive: Float64Array;
  readonly closure: Float64Array;
  /** Seconds since each row's link changed; NaN when unknown (listed last under 'age'). */
  readonly ages: Float64Array;
}

/** Row indices in listing order. */
export function sizeOrder(sort: SizeSort, columns: SortColumns): Int32Array {
  const { rank, exclusive, closure, ages } = columns;
  const order = new Int32Array(rank.length);
  for (let i = 0; i < rank.length; i++) order[rank[i]!] = i;
  // Disk bytes, then narSize (stores whose files are elsewhere measure 0 bytes).
  const bySize = (sums: Float64Array) => (a: number, b: number): number => sums[3 * b + 2]! - sums[3 * a + 2]! || sums[3 * b + 1]! - sums[3 * a + 1]! || rank[a]! - rank[b]!;
  const age = (i: number): number => (Number.isNaN(ages[i]!) ? -1 : ages[i]!);
  switch (sort) {
    case 'exclusive': return bySizes(exclusive, rank, order) ?? order.sort(bySize(exclusive));
    case 'closure': return bySizes(closure, rank, order) ?? order.sort(bySize(closure));
    case 'age': return order.sort((a, b) => age(b) - age(a) || rank[a]! - rank[b]!);
    case 'link': return order;
  }
}

/**
 * `order` (rows in link order) sorted by disk bytes, then narSize, larger first, ties in link
 * order, as the comparator sort does: two stable radix sorts, by narSize then by disk bytes
 * (700k rows: the comparator's millions of calls took more than half a second; ranking each
 * column among its distinct values, by a sort and a binary search per row, then two counting
 * sorts, 0.4 s). Undefined for sums that are not all non-negative integers below 2^53 (the
 * caller sorts those with the comparator).
 */
function bySizes(sums: Float64Array, rank: Int32Array, order: Int32Array): Int32Array | undefined {
  const n = rank.length;
  const disk = new Float64Array(n);
  const nar = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    disk[i] = sums[3 * i + 2]!;
    nar[i] = sums[3 * i + 1]!;
    if (!(Number.isSafeInteger(disk[i]) && Number.isSafeInteger(nar[i]) && disk[i]! >= 0 && nar[i]! >= 0)) return undefined;
  }
  return radixDescending(radixDescending(order, nar), disk);
}

const BITS = 14;
const MASK = (1 << BITS) - 1;
const HALF = 2 ** 26;

/**
 * `rows` stably sorted by `values` (of each row: non-negative integers below 2^53), largest
 * first: least significant digit first, 14 bits a pass (each value as two halves below 2^27, in
 * 32-bit integers), a pass skipped where every row has the same digit.
 */
function radixDescending(rows: Int32Array, values: Float64Array): Int32Array {
  const n = rows.length;
  const low = new Int32Array(values.length);
  const high = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const h = Math.floor(values[i]! / HALF);
    high[i] = h;
    low[i] = values[i]! - h * HALF;
  }
  let from: Int32Array = rows;
  let to: Int32Array = new Int32Array(n);
  const start = new Int32Array(MASK + 2);
  for (const [half, shift] of [[low, 0], [low, BITS], [high, 0], [high, BITS]] as const) {
    start.fill(0);
    // Larger digits first: digit d goes to bucket MASK - d.
    for (let k = 0; k < n; k++) start[MASK - ((half[from[k]!]! >>> shift) & MASK) + 1]!++;
    if (n === 0 || start.includes(n)) continue;
    for (let b = 0; b <= MASK; b++) start[b + 1]! += start[b]!;
    for (let k = 0; k < n; k++) {
      const i = from[k]!;
      to[start[MASK - ((half[i]! >>> shift) & MASK)]!++] = i;
    }
    [from, to] = [to, from];
  }
  return from;
}
