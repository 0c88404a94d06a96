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
import type { PackedStrings } from '../store/byteOrder.js';
import { forEachStoreEntry } from '../store/listStore.js';
import { isValidBaseName } from '../store/storePath.js';

export interface PackedListing {
  /** Names of the entries that parse as store paths, in byte order (distinct: one directory's). */
  readonly names: PackedStrings;
  /** For each of `names`, its place among them in readdir order. */
  readonly readdirIndex: Int32Array;
  /** Names that do not parse (reference §7.5), in readdir order. */
  readonly junk: readonly string[];
}

export function listStorePacked(realStoreDir: string): PackedListing {
  // Packed as read, no string kept per entry: at 1.3M entries an array of the names and the
  // joined copies of them were 200 MB more at the run's peak, which this thread shares.
  let bytes = Buffer.allocUnsafe(1 << 16);
  let offsets = new Uint32Array(1 << 10);
  let count = 0;
  const junk: string[] = [];
  forEachStoreEntry(realStoreDir, (name) => {
    if (!isValidBaseName(name)) {
      junk.push(name);
      return;
    }
    const at = offsets[count]!;
    if (at + name.length > bytes.length) bytes = grown(bytes, at + name.length);
    if (count + 2 > offsets.length) offsets = grown(offsets, count + 2);
    bytes.write(name, at, 'latin1');
    offsets[++count] = at + name.length;
  });
  return { ...inByteOrder({ bytes: bytes.subarray(0, offsets[count]!), offsets: offsets.subarray(0, count + 1) }), junk };
}

/** `a` in twice the room (at least `need`), its contents copied. */
function grown<T extends Buffer | Uint32Array>(a: T, need: number): T {
  const b = (Buffer.isBuffer(a) ? Buffer.allocUnsafe(Math.max(need, 2 * a.length)) : new Uint32Array(Math.max(need, 2 * a.length))) as T;
  b.set(a);
  return b;
}

/** Packed names (in readdir order) repacked in byte order, with where each was. */
export function inByteOrder(names: PackedStrings): { names: PackedStrings; readdirIndex: Int32Array } {
  const { bytes, offsets } = names;
  const order = sortedOrderOfBytes(names, 0, true);
  const count = order.length;
  const sortedOffsets = new Uint32Array(count + 1);
  const sorted = new Uint8Array(offsets[count] ?? 0);
  for (let k = 0, at = 0; k < count; k++) {
    const i = order[k]!;
    for (let b = offsets[i]!, end = offsets[i + 1]!; b < end; b++) sorted[at++] = bytes[b]!;
    sortedOffsets[k + 1] = at;
  }
  return { names: { bytes: sorted, offsets: sortedOffsets }, readdirIndex: order };
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
