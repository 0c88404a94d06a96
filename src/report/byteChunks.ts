/**
 * Text output (binary strings, store/bytes.ts) written into buffers as it is made: a report of
 * hundreds of thousands of rows is then never an array of live row strings (which the garbage
 * collector copies and promotes, with a big heap around them) nor one joined string.
 * (JSON.stringify of a whole report needs none of this: it builds its text without garbage.)
 */
const CHUNK = 1 << 20;

export class ByteChunks {
  private readonly full: Buffer[] = [];
  private current = Buffer.allocUnsafe(CHUNK);
  private used = 0;

  write(text: string): void {
    if (this.used + text.length > this.current.length) {
      this.full.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafe(Math.max(CHUNK, text.length));
      this.used = 0;
    }
    this.used += this.current.write(text, this.used, 'latin1');
  }

  bytes(): Buffer {
    return Buffer.concat([...this.full, this.current.subarray(0, this.used)]);
  }
}
