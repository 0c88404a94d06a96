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
 * order, as the comparator sort does: each column's values ranked among its distinct values
 * (a typed-array sort, no comparator), then two stable counting sorts, by narSize then by disk
 * bytes (700k rows: the comparator's millions of calls took more than half a second). Undefined
 * for sums that are not all non-negative integers (the caller sorts those with the comparator).
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
  const byNar = countingSort(order, denseRanks(nar));
  return countingSort(byNar, denseRanks(disk));
}

/** The rows of `rows` stably sorted by `key` (dense ranks), largest key first. */
function countingSort(rows: Int32Array, key: { readonly ranks: Int32Array; readonly distinct: number }): Int32Array {
  const { ranks, distinct } = key;
  // Where each key's rows start, largest key first.
  const start = new Int32Array(distinct + 1);
  for (let k = 0; k < rows.length; k++) start[distinct - 1 - ranks[rows[k]!]! + 1]!++;
  for (let r = 0; r < distinct; r++) start[r + 1]! += start[r]!;
  const sorted = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    sorted[start[distinct - 1 - ranks[i]!]!++] = i;
  }
  return sorted;
}

/** The rank of each value among the distinct values, smallest 0, and how many are distinct. */
function denseRanks(values: Float64Array): { readonly ranks: Int32Array; readonly distinct: number } {
  const sorted = values.slice().sort();
  let distinct = 0;
  for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[distinct - 1]) sorted[distinct++] = sorted[k]!;
  const ranks = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    ranks[i] = lo;
  }
  return { ranks, distinct };
}
