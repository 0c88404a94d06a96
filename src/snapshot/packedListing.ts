/**
 * The store directory's entries as `live` and `dead` match them against the path table: the
 * names that parse as store paths packed into one latin1 buffer, in readdir order (one buffer a
 * worker thread hands over whole, no string per entry), and the junk names as strings.
 */
import { splitStoreEntries } from '../liveness/storeEntries.js';
import { packLatin1 } from '../store/byteOrder.js';
import type { PackedStrings } from '../store/byteOrder.js';
import { listStore } from '../store/listStore.js';

export interface PackedListing {
  /** Names of the entries that parse as store paths, in readdir order. */
  readonly names: PackedStrings;
  /** Names that do not parse (reference §7.5), in readdir order. */
  readonly junk: readonly string[];
}

export function listStorePacked(realStoreDir: string): PackedListing {
  const { names, junk } = splitStoreEntries(listStore(realStoreDir));
  return { names: packLatin1(names), junk };
}

/** Name `i` of the packed names, as a binary string. */
export function nameAt(names: PackedStrings, i: number): string {
  return Buffer.from(names.bytes.buffer, names.bytes.byteOffset, names.bytes.byteLength).toString('latin1', names.offsets[i]!, names.offsets[i + 1]!);
}
