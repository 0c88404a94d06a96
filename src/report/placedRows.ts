/**
 * Rows written at their places: in the order their data is stored (rootRowsText.ts says why),
 * each at the place its length gave it in the output. Into one reservation of the whole text,
 * or, where the output hands its bytes to a sink (ByteChunks), a window of the output at a time:
 * a pass over the rows per window writes those whose places fall in it, so that only the window
 * is ever in memory (700k roots: 400 MB of JSON in windows of 16 MB, 25 passes over an array of
 * places).
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
export function writePlaced(out: ByteChunks, order: Int32Array, { place, total }: RowPlaces, write: (i: number) => void): void {
  const { window } = out;
  if (out.sink === undefined || total <= window) {
    writeWindow(out, place, 0, total, write);
    return;
  }
  for (let k = 0; k < order.length;) {
    const start = place[order[k]!]!;
    let next = k + 1;
    while (next < order.length && place[order[next]!]! - start < window) next++;
    writeWindow(out, place, start, next < order.length ? place[order[next]!]! : total, write);
    k = next;
  }
}

/** The rows whose places are in [from, to), written into a reservation of to - from bytes. */
function writeWindow(out: ByteChunks, place: Float64Array, from: number, to: number, write: (i: number) => void): void {
  const base = out.reserve(to - from);
  for (let i = 0; i < place.length; i++) {
    const at = place[i]!;
    if (at < from || at >= to) continue;
    out.seek(base + at - from);
    write(i);
  }
  out.seek(base + to - from);
}
