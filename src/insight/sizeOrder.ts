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
    case 'exclusive': return order.sort(bySize(exclusive));
    case 'closure': return order.sort(bySize(closure));
    case 'age': return order.sort((a, b) => age(b) - age(a) || rank[a]! - rank[b]!);
    case 'link': return order;
  }
}
