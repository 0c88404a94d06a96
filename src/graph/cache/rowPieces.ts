/**
 * Rows to write to the graph cache file as pieces, in the file's order: a refresh keeps most
 * cached rows, so the new rows are runs of the cached ones (views of the cache file they were
 * read from, mapped) with the few new values after them, never copied into memory of their own.
 * At 1.3M paths the copies were 100 MB resident beside the graph the refresh patched; the file
 * writer gives a mapped piece's pages back once it has written it (writeBehind.ts), so the
 * cached rows are not resident whole either.
 */
import type { CachedRows } from './cachedRows.js';

export const NUMBER_COLUMNS = ['vpId', 'vpNarSize', 'vpRegTime', 'refRowid', 'refReferrer', 'refReference', 'doRowid', 'doDrv'] as const;
export const TEXT_COLUMNS = ['vpPath', 'vpDeriver', 'doName', 'doPath'] as const;
export type NumberColumnName = (typeof NUMBER_COLUMNS)[number];
export type TextColumnName = (typeof TEXT_COLUMNS)[number];

/** A column of numbers as pieces, in order. */
export interface NumberPieces {
  readonly length: number;
  /** Stored as 32-bit integers (cachedRows.ts IdColumn), else as float64. */
  readonly narrow: boolean;
  readonly pieces: readonly (Float64Array | Uint32Array)[];
}

export interface RowPieces {
  readonly sequence: number;
  readonly numbers: Readonly<Record<NumberColumnName, NumberPieces>>;
  /** Each text column as its file parts (TextColumn.parts), undefined where the rows have none (paths kept in the graph). */
  readonly texts: Readonly<Record<TextColumnName, readonly Buffer[] | undefined>>;
}

/** More runs than this in one column are copied into one array: a part each would cost more than the copy. */
export const MAX_RUNS = 4096;

/** Rows held whole, as one piece a column. */
export function piecesOf(rows: CachedRows): RowPieces {
  const numbers = {} as Record<NumberColumnName, NumberPieces>;
  for (const name of NUMBER_COLUMNS) {
    const column = rows[name];
    numbers[name] = { length: column.length, narrow: column instanceof Uint32Array, pieces: [column] };
  }
  const texts = {} as Record<TextColumnName, readonly Buffer[] | undefined>;
  for (const name of TEXT_COLUMNS) texts[name] = rows[name]?.parts();
  return { sequence: rows.sequence, numbers, texts };
}

export function isRowPieces(rows: CachedRows | RowPieces): rows is RowPieces {
  return 'numbers' in rows;
}

/** The runs [from, to) of 1s in `keep`, as pairs. */
export function runsOf(keep: Uint8Array): Uint32Array {
  const runs: number[] = [];
  for (let i = 0; i < keep.length;) {
    if (keep[i] !== 1) {
      i++;
      continue;
    }
    const from = i;
    while (i < keep.length && keep[i] === 1) i++;
    runs.push(from, i);
  }
  return Uint32Array.from(runs);
}

/**
 * The rows of `column` in `runs` (pairs [from, to)), each value at an index of `changed` replaced
 * by its new one, then `tail`: views of `column` where it can, copied where there are too many
 * runs or a new value does not fit a 32-bit column.
 */
export function splicedNumbers(column: Float64Array | Uint32Array, runs: Uint32Array, tail: ArrayLike<number>, changed?: ReadonlyMap<number, number>): NumberPieces {
  const narrowColumn = column instanceof Uint32Array;
  const fits = (v: number): boolean => v >= 0 && v <= 0xffffffff && Math.floor(v) === v;
  const narrow = narrowColumn && Array.prototype.every.call(tail, fits) && [...(changed?.values() ?? [])].every(fits);
  // Where a run is split by changed values: the indices in order.
  const marks = changed === undefined || changed.size === 0 ? [] : [...changed.keys()].sort((a, b) => a - b);
  let length = tail.length;
  for (let r = 0; r < runs.length; r += 2) length += runs[r + 1]! - runs[r]!;
  const make = (n: number): Float64Array | Uint32Array => (narrow ? new Uint32Array(n) : new Float64Array(n));
  if (runs.length / 2 + marks.length > MAX_RUNS || narrow !== narrowColumn) {
    const out = make(length);
    let at = 0;
    for (let r = 0; r < runs.length; r += 2) {
      const part = column.subarray(runs[r]!, runs[r + 1]!);
      if (narrow === narrowColumn) out.set(part, at);
      else for (let k = 0; k < part.length; k++) out[at + k] = part[k]!;
      at += part.length;
    }
    out.set(Array.from(tail), at);
    if (marks.length > 0) {
      // Each changed index's place among the kept rows.
      let place = 0;
      let m = 0;
      for (let r = 0; r < runs.length && m < marks.length; r += 2) {
        const from = runs[r]!;
        const to = runs[r + 1]!;
        while (m < marks.length && marks[m]! < to) {
          if (marks[m]! >= from) out[place + marks[m]! - from] = changed!.get(marks[m]!)!;
          m++;
        }
        place += to - from;
      }
    }
    return { length, narrow, pieces: [out] };
  }
  const pieces: (Float64Array | Uint32Array)[] = [];
  let m = 0;
  for (let r = 0; r < runs.length; r += 2) {
    let from = runs[r]!;
    const to = runs[r + 1]!;
    while (m < marks.length && marks[m]! < from) m++;
    for (; m < marks.length && marks[m]! < to; m++) {
      const k = marks[m]!;
      if (k > from) pieces.push(column.subarray(from, k));
      const one = make(1);
      one[0] = changed!.get(k)!;
      pieces.push(one);
      from = k + 1;
    }
    if (to > from) pieces.push(column.subarray(from, to));
  }
  if (tail.length > 0) {
    const out = make(tail.length);
    out.set(Array.from(tail));
    pieces.push(out);
  }
  return { length, narrow, pieces };
}

/** A column held whole (new, or the cached one unchanged). */
export function wholeNumbers(column: Float64Array | Uint32Array): NumberPieces {
  return { length: column.length, narrow: column instanceof Uint32Array, pieces: [column] };
}
