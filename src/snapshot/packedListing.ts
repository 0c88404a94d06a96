/**
 * The store directory's entries as `live` and `dead` match them against the path table: the
 * names that parse as store paths packed into one latin1 buffer in readdir order, with their
 * order by bytes, and the junk names as strings. Taken in byte order, matching them against the
 * path table (whose ids are byte-order ranks) is one pass over both: no hash lookup per entry,
 * which at 1.3M entries cost a second of cache misses. The sort is the listing thread's work
 * (listingThread.ts), done while the main thread reads the database; the names are not copied
 * into that order (at 1.3M entries 72 MB more while the copy was made).
 */
import { sortedOrderOfBytes } from '../graph/pathOrder.js';
import { byteOrder, gather } from '../store/byteOrder.js';
import type { PackedStrings } from '../store/byteOrder.js';
import { forEachStoreEntry, listStoreNative, listStoreSortedNative } from '../store/listStore.js';
import { helperBy } from '../store/native.js';
import type { By, NativeHelper, NativeStoreListing } from '../store/native.js';
import { isValidBaseName, isValidBaseNameAt } from '../store/storePath.js';

export interface PackedListing {
  /** Names of the entries that parse as store paths, in readdir order (distinct: one directory's). */
  readonly names: PackedStrings;
  /** Indices of `names` in byte order: `names[byteOrder[k]]` is the k-th (and byteOrder[k] its place in readdir order). */
  readonly byteOrder: Int32Array;
  /** Names that do not parse (reference §7.5), in readdir order. */
  readonly junk: readonly string[];
  /**
   * Lets go of `names` and `byteOrder` now, where they are arrays of their own (the native
   * thread's listing): for whoever is done with them, before a full collection would.
   */
  readonly release?: () => void;
}

export function listStorePacked(realStoreDir: string, by?: By): PackedListing {
  const helper = helperBy(by);
  if (helper !== null) return listedNatively(helper, realStoreDir);
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
  const names = { bytes: bytes.subarray(0, offsets[count]!), offsets: offsets.subarray(0, count + 1) };
  return { names, byteOrder: sortedOrderOfBytes(names, 0, true, 'node'), junk };
}

/**
 * The same through the native helper: the directory read in one call (native/listDir.c), all its
 * names put in byte order at once (junk among them), and the store paths' names copied out:
 * 200k entries in 0.1 s against 0.35 s through Node's Dir and the sort above.
 */
function listedNatively(helper: NativeHelper, realStoreDir: string): PackedListing {
  // All of it in one call, its temporary memory freed before it returns (native/listStore.c).
  if (helper.listStore !== undefined) return packedOf(listStoreSortedNative(helper.listStore, realStoreDir));
  const all = listStoreNative(helper, realStoreDir);
  const { bytes, offsets } = all;
  const n = offsets.length - 1;
  // Each store path's place among them in readdir order; -1 for junk and `.links`.
  const rank = new Int32Array(n).fill(-1);
  const kept: number[] = [];
  const junk: string[] = [];
  for (let i = 0; i < n; i++) {
    const from = offsets[i]!;
    const to = offsets[i + 1]!;
    if (isValidBaseNameAt(bytes, from, to)) {
      rank[i] = kept.length;
      kept.push(i);
    } else if (!isLinksDir(bytes, from, to)) {
      junk.push(Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1'));
    }
  }
  const order = byteOrder(all, 'native');
  const sorted = new Int32Array(kept.length);
  for (let k = 0, j = 0; k < n; k++) {
    const i = order[k]!;
    if (rank[i]! !== -1) sorted[j++] = rank[i]!;
  }
  return { names: gather(all, Int32Array.from(kept), 0, 'native'), byteOrder: sorted, junk };
}

/** native/listStore.c's listing as a PackedListing (its junk names as strings). */
export function packedOf({ bytes, offsets, byteOrder: order, junk, junkOffsets }: NativeStoreListing): PackedListing {
  const text = Buffer.from(junk.buffer, junk.byteOffset, junk.byteLength);
  const junkNames = Array.from({ length: junkOffsets.length - 1 }, (_, k) => text.toString('latin1', junkOffsets[k], junkOffsets[k + 1]));
  return { names: { bytes, offsets }, byteOrder: order, junk: junkNames };
}

const LINKS = Buffer.from('.links', 'latin1');

function isLinksDir(bytes: Uint8Array, from: number, to: number): boolean {
  return to - from === LINKS.length && LINKS.every((b, k) => bytes[from + k] === b);
}

/** `a` in twice the room (at least `need`), its contents copied. */
function grown<T extends Buffer | Uint32Array>(a: T, need: number): T {
  const b = (Buffer.isBuffer(a) ? Buffer.allocUnsafe(Math.max(need, 2 * a.length)) : new Uint32Array(Math.max(need, 2 * a.length))) as T;
  b.set(a);
  return b;
}

/** Name `k` of the packed names, as a binary string. */
export function nameAt(names: PackedStrings, k: number): string {
  return Buffer.from(names.bytes.buffer, names.bytes.byteOffset, names.bytes.byteLength).toString('latin1', names.offsets[k]!, names.offsets[k + 1]!);
}
