/**
 * Worker thread of `live`, `dead`, `roots --sizes` and `report` (listingThread.ts starts it where
 * the native helper cannot list on a thread of its own): reads the store directory while the
 * main thread reads the database, and hands back the store paths' names in one buffer with their
 * order by bytes (moved, not copied) and the junk names. A StoregcError comes back with its
 * code, path and hint.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { StoregcError } from '../errors.js';
import { LISTING_NICE } from './listingThread.js';
import { listStorePacked } from './packedListing.js';
import type { PackedListing } from './packedListing.js';

export type ListingAnswer =
  | { readonly listing: PackedListing }
  | { readonly error: { code: StoregcError['code']; path: string | undefined; message: string; hint: string } }
  | { readonly bug: string };

/** `a` alone in its own memory, so that moving its buffer moves nothing else (Buffer's small pool). */
function own<T extends Uint8Array | Uint32Array | Int32Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}

// This thread yields to the main one (listingThread.ts LISTING_NICE).
try {
  setPriority(LISTING_NICE);
} catch {
  // Only scheduling changes.
}

let answer: ListingAnswer;
let moved: ArrayBuffer[] = [];
try {
  const { names, byteOrder, junk } = listStorePacked((workerData as { realStoreDir: string }).realStoreDir);
  const packed = { bytes: own(names.bytes), offsets: own(names.offsets) };
  const index = own(byteOrder);
  answer = { listing: { names: packed, byteOrder: index, junk } };
  moved = [packed.bytes.buffer as ArrayBuffer, packed.offsets.buffer as ArrayBuffer, index.buffer as ArrayBuffer];
} catch (error) {
  answer = error instanceof StoregcError
    ? { error: { code: error.code, path: error.path, message: error.message, hint: error.hint } }
    : { bug: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
parentPort!.postMessage(answer, moved);
