/**
 * An array of JSON rows made one at a time, when written: jsonInPieces (json.ts) turns each
 * item into its row and writes it before making the next, so 700k row objects never live at
 * once. JSON.stringify sees the whole array (toJSON). Pure.
 */
export class LazyRows<T> {
  constructor(readonly items: readonly T[], readonly row: (item: T) => object) {}

  toJSON(): object[] {
    return this.items.map(this.row);
  }
}
