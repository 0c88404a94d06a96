/**
 * The store directory read on a thread from the start of `live`,
 * `dead`, `roots --sizes` and `report`, while the main thread reads the database and the roots:
 * at 1.3M entries its readdir and split take 1.2 s, which then overlap the 2-4 s of the
 * database instead of following them. The directory's identity is taken first, as
 * storeListingCache.ts takes it before a readdir of its own. `gc` lists the store here too,
 * beside its roots (readStore.ts listStoreNow), never through the store listing cache. The
 * thread is the native helper's own (native/listStore.c listStoreOnThread); a worker thread
 * (listingWorker.ts) where the helper has no such function.
 */
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { StoregcError } from '../errors.js';
import type { DirIdentity } from '../roots/index/listing.js';
import { fsPath } from '../store/bytes.js';
import { storeDirError } from '../store/listStore.js';
import { native } from '../store/native.js';
import type { NativeStoreListing } from '../store/native.js';
import type { ListingAnswer } from './listingWorker.js';
import type { MatchedListing } from './matchedListing.js';
import { packedOf } from './packedListing.js';
import type { PackedListing } from './packedListing.js';

/** A readdir of the store directory under way, and the directory as it was before it began. */
export interface EarlyListing {
  readonly identity: DirIdentity;
  /** When the identity was taken (wall clock, ns), as storeListingCache.ts records it. */
  readonly readAtNs: bigint;
  /**
   * The listing, as names or already matched against the graph (matchedListing.ts); rejects as
   * listStore throws (a StoregcError for a missing or unreadable directory).
   */
  readonly listing: Promise<PackedListing | MatchedListing>;
  /** Stops the thread when its listing is not wanted after all. */
  cancel(): void;
}

/** The identity of the store directory now, or undefined when it cannot be stat'ed (the reader will say why). */
export function storeDirIdentity(realStoreDir: string): DirIdentity | undefined {
  try {
    const st = statSync(fsPath(realStoreDir), { bigint: true });
    return { dev: st.dev, ino: st.ino, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
  } catch {
    return undefined;
  }
}

/**
 * The listing thread's nice value (Linux's nice applies to one thread): beside a refreshed graph
 * cache both cores are busy (the store listed and sorted again there, V8's compiles, the cache's
 * checks), and the main thread is the one the run waits for.
 */
export const LISTING_NICE = 10;

export function listOnThread(realStoreDir: string, identity: DirIdentity, readAtNs: bigint): EarlyListing {
  const onThread = native()?.listStoreOnThread;
  if (onThread !== undefined) {
    let started: Promise<NativeStoreListing>;
    try {
      started = onThread(fsPath(realStoreDir), LISTING_NICE);
    } catch (error) {
      // A path it cannot take (too long for the system): told where the listing is taken, as a failed read.
      started = Promise.reject(error);
    }
    const listing = started.then(ownedListing, (error: unknown) => {
      throw storeDirError(realStoreDir, error);
    });
    // Awaited only when wanted: a listing not wanted must not be an unhandled rejection.
    listing.catch(() => undefined);
    // Not stopped once begun: it ends by itself when the directory is read.
    return { identity, readAtNs, listing, cancel: () => undefined };
  }
  return listOnWorker(realStoreDir, identity, readAtNs);
}

/** The native thread's listing, whose arrays are its own (external ArrayBuffers): released by detaching them. */
function ownedListing(listed: NativeStoreListing): PackedListing {
  const detach = native()?.detach;
  const release = (): void => {
    for (const a of [listed.bytes, listed.offsets, listed.byteOrder]) {
      try {
        detach?.(a.buffer as ArrayBuffer);
      } catch {
        // Only memory: a buffer that cannot be detached is left to the collector.
      }
    }
  };
  return { ...packedOf(listed), release };
}

/** The same on a worker thread (listingWorker.ts): where the native helper cannot list on a thread of its own. */
export function listOnWorker(realStoreDir: string, identity: DirIdentity, readAtNs: bigint): EarlyListing {
  // From dist/snapshot/ and from the bundle dist/cli/storegc.js alike (scripts/bundle.mjs).
  const worker = new Worker(new URL('../snapshot/listingWorker.js', import.meta.url), { workerData: { realStoreDir } });
  // Never what keeps the process running: its answer is awaited where it is needed.
  worker.unref();
  const listing = new Promise<PackedListing>((resolve, reject) => {
    worker.once('message', (answer: ListingAnswer) => {
      if ('listing' in answer) resolve(answer.listing);
      else if ('error' in answer) reject(new StoregcError(answer.error.code, answer.error.path, answer.error.message, answer.error.hint));
      else reject(new Error(`store listing thread: ${answer.bug}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`store listing thread exited (${code}) without an answer`)));
  });
  // Awaited only when wanted: a listing not wanted must not be an unhandled rejection.
  listing.catch(() => undefined);
  return { identity, readAtNs, listing, cancel: () => void worker.terminate() };
}
