/**
 * Text output (binary strings, store/bytes.ts) written into buffers as it is made: a report of
 * hundreds of thousands of rows is then never an array of live row strings (which the garbage
 * collector copies and promotes, with a big heap around them) nor one joined string, and its
 * numbers are written digit by digit, no string made for them. (JSON.stringify of a whole report
 * needs none of this: it builds its text without garbage.)
 */
import { ByteRuns } from './byteRuns.js';

const CHUNK = 1 << 20;
const SPACE = 0x20;
const ZERO = 0x30;
const DOT = 0x2e;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Where a ByteChunks with a sink hands its bytes as it goes: used at once, the buffer is written again. */
export type ByteSink = (bytes: Buffer) => void;

/**
 * Without a sink, the whole text is kept; with one, what is written is handed to it whenever the
 * buffer is full, and the buffer used again: one window of at most SINK_WINDOW bytes (or the
 * largest single reservation) stays in memory. A 400 MB report then touches 16 MB of fresh
 * memory, not 400 (a first touch of a page costs more than the writes into it here: 400 MB
 * took 150 ms on its own) and is never held whole.
 */
export const SINK_WINDOW = 16 << 20;

export class ByteChunks {
  private readonly full: Buffer[] = [];
  private current: Buffer;
  private used = 0;
  private readonly runs = new ByteRuns();

  /**
   * @param expected the bytes the text will probably take: one buffer of that size first, so that
   *   a text within it is never copied. Each buffer is memory outside V8's heap, and V8 answers
   *   every 64 MB or so of that with a full collection of its heap (hundreds of ms with 700k rows
   *   in it): one buffer of 200 MB costs one, 200 chunks and their concatenation cost several.
   *   With a sink, at most SINK_WINDOW.
   * @param sink where the bytes go as they are made (see ByteSink): bytes() then answers the rest.
   * @param window with a sink, how much is made before it is handed over (placedRows.ts; tests
   *   make it small).
   */
  constructor(expected: number = CHUNK, readonly sink?: ByteSink, readonly window: number = SINK_WINDOW) {
    this.current = Buffer.allocUnsafe(sink === undefined ? Math.max(CHUNK, Math.ceil(expected)) : window);
  }

  write(text: string): void {
    this.room(text.length);
    this.used += this.current.write(text, this.used, 'latin1');
  }

  /** Text (not a binary string) as UTF-8, as JSON is written. */
  utf8(text: string): void {
    this.room(3 * text.length);
    this.used += this.current.write(text, this.used, 'utf8');
  }

  /** bytes[from .. to), copied (byteRuns.ts). */
  copy(bytes: Uint8Array, from: number, to: number): void {
    this.room(to - from);
    this.used = this.runs.copy(this.current, this.used, bytes, from, to);
  }

  /**
   * All of `piece` (a key, a separator: the same bytes for many rows), by the typed arrays' set,
   * which V8 runs itself: Buffer's copy is a call into C++ that cost twice as long for 26 bytes.
   */
  put(piece: Uint8Array): void {
    this.room(piece.length);
    this.current.set(piece, this.used);
    this.used += piece.length;
  }

  /**
   * `text` (a binary string) in double quotes, if that is its JSON: printable ASCII without
   * quote or backslash. Otherwise writes nothing and says false. One pass: each character is
   * checked as it is copied.
   */
  plainJsonString(text: string): boolean {
    this.room(text.length + 2);
    const buffer = this.current;
    let at = this.used;
    buffer[at++] = QUOTE;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return false;
      buffer[at++] = c;
    }
    buffer[at++] = QUOTE;
    this.used = at;
    return true;
  }

  /** One byte (a newline, say: no string, no native call). */
  byte(code: number): void {
    this.room(1);
    this.current[this.used++] = code;
  }

  /** `count` spaces (a separator: no string, no native call). */
  spaces(count: number): void {
    this.room(count);
    for (let k = 0; k < count; k++) this.current[this.used++] = SPACE;
  }

  /** A non-negative integer, right-aligned in `width` columns (wider if it needs more). */
  number(value: number, width: number): void {
    this.digits(value, width, false);
  }

  /**
   * `value / unit` with one decimal, right-aligned: as `(value / unit).toFixed(1).padStart(width)`
   * for a non-negative value whose tenths, value * 10 / unit, Math.round gets exactly (any
   * integer below 2^53 / 10 over a power of two).
   */
  tenths(value: number, unit: number, width: number): void {
    this.digits(Math.round((value * 10) / unit), width, true);
  }

  /**
   * Room for `length` bytes in one buffer, skipped: returns where it starts, for seek(). A text
   * whose pieces are made in another order than they are read (rootRowsText.ts) is written into it.
   */
  reserve(length: number): number {
    this.room(length);
    const start = this.used;
    this.used += length;
    return start;
  }

  /** reserve(), with the buffer the room is in: for a writer that fills it itself (native/rootRows.c). */
  reserveIn(length: number): { readonly buffer: Buffer; readonly at: number } {
    const at = this.reserve(length);
    return { buffer: this.current, at };
  }

  /** Writes go on at `position` of the buffer reserve() made room in (the caller stays within it). */
  seek(position: number): void {
    this.used = position;
  }

  /** What was written (with a sink: what it has not been handed yet). */
  bytes(): Buffer {
    if (this.full.length === 0) return this.current.subarray(0, this.used);
    return Buffer.concat([...this.full, this.current.subarray(0, this.used)]);
  }

  private digits(value: number, width: number, tenths: boolean): void {
    if (value < 2 ** 31) {
      this.smallDigits(value, width, tenths);
      return;
    }
    if (value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value)) {
      this.splitDigits(value, width, tenths);
      return;
    }
    let count = 1;
    for (let v = value; v >= 10; v = Math.floor(v / 10)) count++;
    if (tenths && count === 1) count = 2; // 0.x
    const length = count + (tenths ? 1 : 0);
    const pad = Math.max(0, width - length);
    this.room(pad + length);
    const buffer = this.current;
    for (let k = 0; k < pad; k++) buffer[this.used + k] = SPACE;
    let at = this.used + pad + length;
    let v = value;
    for (let k = 0; k < count; k++) {
      if (tenths && k === 1) buffer[--at] = DOT;
      buffer[--at] = ZERO + (v % 10);
      v = Math.floor(v / 10);
    }
    this.used += pad + length;
  }

  /**
   * digits() for an integer from 2^31 to 2^53 (a narSize in bytes): its nine low digits and the
   * rest, each below 2^31 and written in 32-bit integer arithmetic. A double's `%` is a call into
   * C: twelve digits of it took 250 ns, a quarter of the time of a JSON row.
   */
  private splitDigits(value: number, width: number, tenths: boolean): void {
    let high = Math.floor(value / 1e9);
    let low = value - high * 1e9;
    // value / 1e9 is rounded: high may be one off (both products are exact below 2^53).
    if (low < 0) {
      high--;
      low += 1e9;
    } else if (low >= 1e9) {
      high++;
      low -= 1e9;
    }
    let count = 10;
    for (let v = high | 0; v >= 10; v = (v / 10) | 0) count++;
    const length = count + (tenths ? 1 : 0);
    const pad = width > length ? width - length : 0;
    this.room(pad + length);
    const buffer = this.current;
    const start = this.used;
    for (let k = 0; k < pad; k++) buffer[start + k] = SPACE;
    let at = start + pad + length;
    let v = low | 0;
    for (let k = 0; k < count; k++) {
      if (k === 9) v = high | 0;
      if (tenths && k === 1) buffer[--at] = DOT;
      const next = (v / 10) | 0;
      buffer[--at] = ZERO + v - 10 * next;
      v = next;
    }
    this.used = start + pad + length;
  }

  /** digits() for a value below 2^31, in 32-bit integer arithmetic (most numbers of a report). */
  private smallDigits(value: number, width: number, tenths: boolean): void {
    let count = 1;
    for (let v = value | 0; v >= 10; v = (v / 10) | 0) count++;
    if (tenths && count === 1) count = 2; // 0.x
    const length = count + (tenths ? 1 : 0);
    const pad = width > length ? width - length : 0;
    this.room(pad + length);
    const buffer = this.current;
    const start = this.used;
    for (let k = 0; k < pad; k++) buffer[start + k] = SPACE;
    let at = start + pad + length;
    let v = value | 0;
    for (let k = 0; k < count; k++) {
      if (tenths && k === 1) buffer[--at] = DOT;
      const next = (v / 10) | 0;
      buffer[--at] = ZERO + v - 10 * next;
      v = next;
    }
    this.used = start + pad + length;
  }

  private room(bytes: number): void {
    if (this.used + bytes <= this.current.length) return;
    if (this.sink !== undefined) {
      if (this.used > 0) this.sink(this.current.subarray(0, this.used));
      if (bytes > this.current.length) this.current = Buffer.allocUnsafe(bytes);
    } else {
      this.full.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafe(Math.max(CHUNK, bytes));
    }
    this.used = 0;
  }
}

/** How many bytes ByteChunks.number(value, width) writes. */
export function numberLength(value: number, width: number): number {
  return digitsLength(value, width, false);
}

/** How many bytes ByteChunks.tenths(value, unit, width) writes. */
export function tenthsLength(value: number, unit: number, width: number): number {
  return digitsLength(Math.round((value * 10) / unit), width, true);
}

function digitsLength(value: number, width: number, tenths: boolean): number {
  let count = 1;
  for (let v = value; v >= 10; v = Math.floor(v / 10)) count++;
  if (tenths && count === 1) count = 2;
  const length = count + (tenths ? 1 : 0);
  return width > length ? width : length;
}
