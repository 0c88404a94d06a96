/**
 * Text output (binary strings, store/bytes.ts) written into buffers as it is made: a report of
 * hundreds of thousands of rows is then never an array of live row strings (which the garbage
 * collector copies and promotes, with a big heap around them) nor one joined string, and its
 * numbers are written digit by digit, no string made for them. (JSON.stringify of a whole report
 * needs none of this: it builds its text without garbage.)
 */
const CHUNK = 1 << 20;
const SPACE = 0x20;
const ZERO = 0x30;
const DOT = 0x2e;

export class ByteChunks {
  private readonly full: Buffer[] = [];
  private current: Buffer;
  private used = 0;

  /**
   * @param expected the bytes the text will probably take: one buffer of that size first, so that
   *   a text within it is never copied. Each buffer is memory outside V8's heap, and V8 answers
   *   every 64 MB or so of that with a full collection of its heap (hundreds of ms with 700k rows
   *   in it): one buffer of 200 MB costs one, 200 chunks and their concatenation cost several.
   */
  constructor(expected: number = CHUNK) {
    this.current = Buffer.allocUnsafe(Math.max(CHUNK, Math.ceil(expected)));
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

  bytes(): Buffer {
    if (this.full.length === 0) return this.current.subarray(0, this.used);
    return Buffer.concat([...this.full, this.current.subarray(0, this.used)]);
  }

  private digits(value: number, width: number, tenths: boolean): void {
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

  private room(bytes: number): void {
    if (this.used + bytes <= this.current.length) return;
    this.full.push(this.current.subarray(0, this.used));
    this.current = Buffer.allocUnsafe(Math.max(CHUNK, bytes));
    this.used = 0;
  }
}
