/**
 * A text column of the cached rows (paths, derivers, output names) as SQLite's UTF-8 bytes in
 * one buffer with an offset per row and a null flag per row: a refresh that keeps most rows
 * copies byte ranges instead of making, and later serialising, a string per row. Strings are
 * made only for the rows read (`at`).
 */
export class TextColumn {
  private constructor(
    /** Row `i` is bytes[offsets[i] .. offsets[i + 1]) as UTF-8. */
    private readonly bytes: Buffer,
    private readonly offsets: Uint32Array,
    /** 1 where the row is null (its range is empty). */
    private readonly nulls: Uint8Array,
  ) {}

  static of(values: readonly (string | null)[]): TextColumn {
    const n = values.length;
    const offsets = new Uint32Array(n + 1);
    const nulls = new Uint8Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) nulls[i] = 1;
      else total += Buffer.byteLength(v, 'utf8');
      offsets[i + 1] = total;
    }
    const bytes = Buffer.allocUnsafe(total);
    for (let i = 0; i < n; i++) if (nulls[i] === 0) bytes.write(values[i]!, offsets[i]!, 'utf8');
    return new TextColumn(bytes, offsets, nulls);
  }

  /**
   * The column of rows whose bytes follow each other in `bytes`, row `i` taking `lengths[i]`
   * of them, or none for null (-1, or null itself: as SQLite's json_group_array gives them).
   * @throws RangeError when the lengths do not add up to the bytes.
   */
  static fromLengths(bytes: Buffer, lengths: ArrayLike<number | null>): TextColumn {
    const n = lengths.length;
    const offsets = new Uint32Array(n + 1);
    const nulls = new Uint8Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const length = lengths[i];
      if (length === null || length === -1) nulls[i] = 1;
      else if (length === undefined || !(length >= 0) || Math.floor(length) !== length) throw new RangeError('text column: bad row length');
      else total += length;
      offsets[i + 1] = total;
    }
    if (total !== bytes.length) throw new RangeError('text column: row lengths do not add up to its bytes');
    return new TextColumn(bytes, offsets, nulls);
  }

  /** The bytes and offsets (row `i` is bytes[offsets[i] .. offsets[i + 1])) and null flags, to read in place. */
  get raw(): { readonly bytes: Buffer; readonly offsets: Uint32Array; readonly nulls: Uint8Array } {
    return { bytes: this.bytes, offsets: this.offsets, nulls: this.nulls };
  }

  get length(): number {
    return this.nulls.length;
  }

  /** The memory the column's bytes are in (shared with other columns read from one file). */
  get buffer(): ArrayBufferLike {
    return this.bytes.buffer;
  }

  /** The same rows in memory of their own (never Node's shared pool of small buffers). */
  copy(): TextColumn {
    const bytes = Buffer.allocUnsafeSlow(this.bytes.length);
    this.bytes.copy(bytes);
    return new TextColumn(bytes, this.offsets.slice(), this.nulls.slice());
  }

  at(i: number): string | null {
    if (this.nulls[i] !== 0) return null;
    return this.bytes.toString('utf8', this.offsets[i]!, this.offsets[i + 1]!);
  }

  /** Every row, as strings (tests, `index status`). */
  values(): (string | null)[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }

  /** The rows where `keep` is 1, in order, then `added`: kept rows are copied in runs, never decoded. */
  select(keep: Uint8Array, added: readonly (string | null)[]): TextColumn {
    const tail = TextColumn.of(added);
    let count = 0;
    let total = tail.bytes.length;
    for (let i = 0; i < keep.length; i++) {
      if (keep[i] === 1) {
        count++;
        total += this.offsets[i + 1]! - this.offsets[i]!;
      }
    }
    const offsets = new Uint32Array(count + tail.length + 1);
    const nulls = new Uint8Array(count + tail.length);
    const bytes = Buffer.allocUnsafe(total);
    let row = 0;
    let at = 0;
    for (let i = 0; i < keep.length;) {
      if (keep[i] !== 1) {
        i++;
        continue;
      }
      let end = i;
      while (end < keep.length && keep[end] === 1) end++;
      const shift = at - this.offsets[i]!;
      for (let k = i; k < end; k++, row++) {
        offsets[row] = this.offsets[k]! + shift;
        nulls[row] = this.nulls[k]!;
      }
      at += this.bytes.copy(bytes, at, this.offsets[i]!, this.offsets[end]!);
      i = end;
    }
    for (let k = 0; k < tail.length; k++, row++) {
      offsets[row] = at + tail.offsets[k]!;
      nulls[row] = tail.nulls[k]!;
    }
    at += tail.bytes.copy(bytes, at);
    offsets[row] = at;
    return new TextColumn(bytes, offsets, nulls);
  }

  /**
   * `parts()` of the rows in `runs` (pairs [from, to)) then `added`, as `select` would make
   * them: the null flags and bytes of kept rows as views of this column's, only the offsets new.
   * Too many runs (MAX_RUNS): `select`'s copy.
   */
  splicedParts(runs: Uint32Array, added: readonly (string | null)[], maxRuns: number): Buffer[] {
    if (runs.length / 2 > maxRuns) {
      const keep = new Uint8Array(this.length);
      for (let r = 0; r < runs.length; r += 2) keep.fill(1, runs[r]!, runs[r + 1]!);
      return this.select(keep, added).parts();
    }
    const tail = TextColumn.of(added);
    let count = tail.length;
    for (let r = 0; r < runs.length; r += 2) count += runs[r + 1]! - runs[r]!;
    const offsets = new Uint32Array(count + 1);
    const nulls: Buffer[] = [];
    const bytes: Buffer[] = [];
    let row = 0;
    let at = 0;
    for (let r = 0; r < runs.length; r += 2) {
      const from = runs[r]!;
      const to = runs[r + 1]!;
      const shift = at - this.offsets[from]!;
      for (let k = from; k < to; k++) offsets[row++] = this.offsets[k]! + shift;
      nulls.push(Buffer.from(this.nulls.buffer, this.nulls.byteOffset + from, to - from));
      bytes.push(this.bytes.subarray(this.offsets[from]!, this.offsets[to]!));
      at += this.offsets[to]! - this.offsets[from]!;
    }
    for (let k = 0; k < tail.length; k++) offsets[row++] = at + tail.offsets[k]!;
    at += tail.bytes.length;
    offsets[row] = at;
    return [u32(count), Buffer.from(offsets.buffer), ...nulls, Buffer.from(tail.nulls.buffer, tail.nulls.byteOffset, tail.nulls.byteLength), u32(at), ...bytes, tail.bytes];
  }

  /** The column as file sections: row count, offsets, null flags, bytes (decode with `fromParts`). */
  parts(): Buffer[] {
    const { offsets, nulls, bytes } = this;
    return [u32(this.length), Buffer.from(offsets.buffer, offsets.byteOffset, offsets.byteLength), Buffer.from(nulls.buffer, nulls.byteOffset, nulls.byteLength), u32(bytes.length), bytes];
  }

  /**
   * The column whose `parts()` start at `take`'s position.
   * @throws RangeError when the parts do not fit together.
   */
  static fromParts(take: (length: number) => Buffer): TextColumn {
    const n = take(4).readUInt32LE(0);
    const raw = take((n + 1) * 4);
    const offsets = new Uint32Array(n + 1);
    Buffer.from(offsets.buffer).set(raw);
    const nulls = Uint8Array.from(take(n));
    const bytes = take(take(4).readUInt32LE(0));
    if (offsets[0] !== 0 || offsets[n] !== bytes.length) throw new RangeError('text column: offsets do not fit its bytes');
    for (let i = 0; i < n; i++) if (offsets[i]! > offsets[i + 1]! || (nulls[i] !== 0 && offsets[i] !== offsets[i + 1])) throw new RangeError('text column: offsets out of order');
    return new TextColumn(bytes, offsets, nulls);
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}
