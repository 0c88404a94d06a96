/**
 * The store directory read on a thread once the graph is known (`live` and `dead` when the
 * database is read in full, and `gc`), each entry looked up in the path table as it is read
 * (native/listMatched.c): what comes back is an id per entry named like a store path, the names
 * of those that are not valid, and the junk names. listingThread.ts's listing, names in byte
 * order matched afterwards, held every name twice on its thread (1.3M entries: about 110 MB at
 * the peak of `dead --no-index`, 560 -> ~470 MB) and matched them on the main thread; this holds
 * 5 MB of ids. Where the helper or its function is missing, or the table keeps whole paths, the
 * caller lists as before (undefined).
 */
import type { PathTable } from '../graph/pathTable.js';
import type { DirIdentity } from '../roots/index/listing.js';
import { fsPath } from '../store/bytes.js';
import { storeDirError } from '../store/listStore.js';
import { native } from '../store/native.js';
import type { EarlyListing } from './listingThread.js';

/** The entries of the store directory with their graph ids (listMatched.c). */
export interface MatchedListing {
  /** Per entry that parses as a store path, in readdir order: its graph id, -1 where not valid. */
  readonly ids: Int32Array;
  /** The names of those not valid, in readdir order. */
  readonly unregistered: readonly string[];
  /** Names that do not parse (reference §7.5), in readdir order, `.links` left out. */
  readonly junk: readonly string[];
}

export function listMatchedOnThread(realStoreDir: string, identity: DirIdentity, readAtNs: bigint, paths: PathTable): EarlyListing | undefined {
  const list = native()?.listStoreMatched;
  const { prefix, omitted, bytes, offsets, slots } = paths.parts();
  if (list === undefined || omitted !== prefix) return undefined;
  const listing = list(fsPath(realStoreDir), bytes, offsets, slots).then(
    ({ ids, unregistered, unregisteredOffsets, junk, junkOffsets }): MatchedListing => ({ ids, unregistered: strings(unregistered, unregisteredOffsets), junk: strings(junk, junkOffsets) }),
    (error: unknown) => {
      throw storeDirError(realStoreDir, error);
    },
  );
  // Awaited only when wanted: a listing not wanted must not be an unhandled rejection.
  listing.catch(() => undefined);
  // Not stopped once begun: it ends by itself when the directory is read.
  return { identity, readAtNs, listing, cancel: () => undefined };
}

function strings(bytes: Uint8Array, offsets: Uint32Array): string[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: offsets.length - 1 }, (_, k) => text.toString('latin1', offsets[k], offsets[k + 1]));
}
