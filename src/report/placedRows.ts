/**
 * Rows written at their places: in the order their data is stored (rootRowsText.ts says why),
 * each at the place its length gave it in the output. Into one reservation of the whole text,
 * or, where the output hands its bytes to a sink (ByteChunks), a window of the output at a time,
 * so that only the window is ever in memory (700k roots: 400 MB of JSON in windows of 16 MB).
 * The rows are sorted by window first, in storage order within each (a counting sort): a pass
 * over every row per window was 25 passes over 700k places.
 */
import type { ByteChunks } from './byteChunks.js';

/** Where each row starts in the rows' text (-1: not shown), and the text's length. */
export interface RowPlaces {
  readonly place: Float64Array;
  readonly total: number;
}

/**
 * Calls `write(i)` for each shown row i with `out` at the row's place; the rows take `total`
 * bytes in all, row order[k] being the k-th.
 */
export function writePlaced(out: ByteChunks, order: Int32Array, places: RowPlaces, write: (i: number) => void): void {
  const { place } = places;
  eachWindow(out, order, places, (rows, from, to) => {
    const base = out.reserve(to - from);
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k]!;
      out.seek(base + place[i]! - from);
      write(i);
    }
    out.seek(base + to - from);
  });
}

/**
 * The windows of the output in order: each one's rows (storage order) and its bytes [from, to)
 * of the rows' text, for `write` to fill to - from bytes reserved in `out` with them.
 */
export function eachWindow(out: ByteChunks, order: Int32Array, { place, total }: RowPlaces, write: (rows: Int32Array, from: number, to: number) => void): void {
  const { window } = out;
  if (out.sink === undefined || total <= window) {
    write(allRows(place), 0, total);
    return;
  }
  // Windows of whole rows (a row longer than a window is one of its own), each row's window.
  const ends: number[] = [];
  const windowOf = new Int32Array(place.length);
  for (let k = 0; k < order.length;) {
    const start = place[order[k]!]!;
    let next = k + 1;
    while (next < order.length && place[order[next]!]! - start < window) next++;
    for (let j = k; j < next; j++) windowOf[order[j]!] = ends.length;
    ends.push(next < order.length ? place[order[next]!]! : total);
    k = next;
  }
  // The shown rows by window, each window's in storage order.
  const first = new Int32Array(ends.length + 1);
  for (let i = 0; i < place.length; i++) if (place[i]! >= 0) first[windowOf[i]! + 1]!++;
  for (let w = 0; w < ends.length; w++) first[w + 1]! += first[w]!;
  const rows = new Int32Array(first[ends.length]!);
  const fill = first.slice(0, ends.length);
  for (let i = 0; i < place.length; i++) if (place[i]! >= 0) rows[fill[windowOf[i]!]!++] = i;
  for (let w = 0; w < ends.length; w++) write(rows.subarray(first[w]!, first[w + 1]!), w === 0 ? 0 : ends[w - 1]!, ends[w]!);
}

/** The shown rows, in storage order. */
function allRows(place: Float64Array): Int32Array {
  let count = 0;
  for (let i = 0; i < place.length; i++) if (place[i]! >= 0) count++;
  const rows = new Int32Array(count);
  for (let i = 0, k = 0; i < place.length; i++) if (place[i]! >= 0) rows[k++] = i;
  return rows;
}
