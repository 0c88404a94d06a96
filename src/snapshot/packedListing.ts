/**
 * The store directory's entries as `live` and `dead` match them against the path table: the
 * names that parse as store paths packed into one latin1 buffer in byte order, with each one's
 * place in readdir order, and the junk names as strings. In byte order, matching them against
 * the path table (whose ids are byte-order ranks) is one pass over both, in memory order: no
 * hash lookup per entry, which at 1.3M entries cost a second of cache misses. The sort is the
 * listing thread's work (listingWorker.ts), done while the main thread reads the database.
 */
import { sortedOrderOfBytes } from '../graph/pathOrder.js';
import type { PathTable } from '../graph/pathTable.js';
import { splitStoreEntries } from '../liveness/storeEntries.js';
import { packLatin1 } from '../store/byteOrder.js';
import type { PackedStrings } from '../store/byteOrder.js';
import { listStore } from '../store/listStore.js';

export interface PackedListing {
  /** Names of the entries that parse as store paths, in byte order (distinct: one directory's). */
  readonly names: PackedStrings;
  /** For each of `names`, its place among them in readdir order. */
  readonly readdirIndex: Int32Array;
  /** Names that do not parse (reference §7.5), in readdir order. */
  readonly junk: readonly string[];
}

export function listStorePacked(realStoreDir: string): PackedListing {
  const { names, junk } = splitStoreEntries(listStore(realStoreDir));
  return { ...inByteOrder(names), junk };
}

/** Names (in readdir order) packed in byte order, with where each was. */
export function inByteOrder(names: readonly string[]): { names: PackedStrings; readdirIndex: Int32Array } {
  const order = sortedOrderOfBytes(packLatin1(names), 0, true);
  // Packed again from the strings in that order: joined natively, not copied a byte at a time.
  return { names: packLatin1(Array.from(order, (i) => names[i]!)), readdirIndex: order };
}

/** Name `k` of the packed names, as a binary string. */
export function nameAt(names: PackedStrings, k: number): string {
  return Buffer.from(names.bytes.buffer, names.bytes.byteOffset, names.bytes.byteLength).toString('latin1', names.offsets[k]!, names.offsets[k + 1]!);
}

/**
 * The id in `table` of each of `names` (store directory entries' names, distinct, in byte
 * order), -1 where none: one pass over both in byte order, since ids are byte-order ranks.
 * Undefined when the table does not keep the prefix apart (then look each name up).
 */
export function idsOfSortedNames(table: PathTable, names: PackedStrings): Int32Array | undefined {
  const { prefix, omitted, bytes: own, offsets } = table.parts();
  if (omitted !== prefix) return undefined;
  const { bytes: theirs, offsets: at } = names;
  const count = at.length - 1;
  const ids = new Int32Array(count).fill(-1);
  const size = table.size;
  let id = 0;
  for (let k = 0; k < count && id < size; k++) {
    const start = at[k]!;
    const end = at[k + 1]!;
    // Past the paths before name k; then path `id` is name k, or comes after it.
    for (; id < size; id++) {
      const from = offsets[id]!;
      const to = offsets[id + 1]!;
      const shorter = Math.min(to - from, end - start);
      let c = 0;
      for (let b = 0; b < shorter && c === 0; b++) c = own[from + b]! - theirs[start + b]!;
      if (c === 0) c = (to - from) - (end - start);
      if (c > 0) break;
      if (c === 0) {
        ids[k] = id++;
        break;
      }
    }
  }
  return ids;
}
