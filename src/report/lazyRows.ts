/**
 * An array of JSON rows made one at a time, when written: jsonInPieces (json.ts) turns each
 * item into its row and writes it before making the next, so 700k row objects never live at
 * once. JSON.stringify sees the whole array (toJSON). Pure.
 */
import type { ByteChunks } from './byteChunks.js';

/** Items one at a time: an array, or rows made when asked for (insightTypes.ts RootRows). */
export interface Items<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

export class LazyRows<T> {
  /**
   * @param write writes what `JSON.stringify(row(item), null, 6)` would (the same bytes), without
   *   making the row: jsonInPieces uses it where given.
   */
  /**
   * @param writeAll writes every item's JSON as write() would, joined by `,\n    ` (the items
   *   written in another order than one by one): jsonInPieces uses it where given.
   */
  constructor(readonly items: Items<T>, readonly row: (item: T) => object, readonly write?: (out: ByteChunks, item: T) => void, readonly writeAll?: (out: ByteChunks) => void) {}

  toJSON(): object[] {
    return Array.from({ length: this.items.length }, (_, k) => this.row(this.items.at(k)!));
  }
}
