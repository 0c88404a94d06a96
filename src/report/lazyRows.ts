/**
 * An array of JSON rows made one at a time, when written: jsonInPieces (json.ts) turns each
 * item into its row and writes it before making the next, so 700k row objects never live at
 * once. JSON.stringify sees the whole array (toJSON). Pure.
 */
import type { ByteChunks } from './byteChunks.js';

export class LazyRows<T> {
  /**
   * @param write writes what `JSON.stringify(row(item), null, 6)` would (the same bytes), without
   *   making the row: jsonInPieces uses it where given.
   */
  constructor(readonly items: readonly T[], readonly row: (item: T) => object, readonly write?: (out: ByteChunks, item: T) => void) {}

  toJSON(): object[] {
    return this.items.map(this.row);
  }
}
