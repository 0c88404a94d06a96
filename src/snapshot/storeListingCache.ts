/**
 * The store directory's listing, kept as graph ids between runs of `live` and `dead`: for each
 * entry that parses as a store path, in readdir order, its id in the graph it was matched
 * against (-1 with its name where it is not valid), plus the junk names. It stands in for
 * reading the store directory again under the roots index's rule (src/roots/index/listing.ts):
 * the directory's identity (dev, ino, mtime, ctime) is unchanged and was already quiet for the
 * margin when the listing was read; and the graph is the same one (the graph cache's key,
 * `CachedGraph.key`). Anything else, or a damaged file, means one readdir, as without it.
 * Otherwise the names, in byte order (packedListing.ts), are matched against the path table in
 * one pass over both, unless they were matched as they were read (matchedListing.ts).
 * `gc` never uses it.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoreGraph } from '../graph/storeGraph.js';
import type { StoreEntries } from '../liveness/storeEntries.js';
import { canReuse } from '../roots/index/listing.js';
import type { DirIdentity } from '../roots/index/listing.js';
import type { PackedStrings } from '../store/byteOrder.js';
import { fsPath } from '../store/bytes.js';
import type { EarlyListing } from './listingThread.js';
import { listStorePacked, nameAt } from './packedListing.js';
import type { MatchedListing } from './matchedListing.js';
import type { PackedListing } from './packedListing.js';

const MAGIC = Buffer.from('storegc-listing\n', 'latin1');
const VERSION = 1;
const DIGEST = 32;

export interface ListingCacheRequest {
  readonly file: string;
  readonly realStoreDir: string;
  /** The graph cache's key of `graph`. */
  readonly graphKey: string;
  /** Tests only: the quiet time the directory needs before its listing is trusted. */
  readonly marginNs?: bigint;
}

interface Header {
  readonly realStoreDir: string;
  readonly graphKey: string;
  readonly dir: { dev: string; ino: string; mtimeNs: string; ctimeNs: string };
  readonly readAtNs: string;
  readonly unregistered: readonly string[];
  readonly junk: readonly string[];
}

/**
 * The store's entries, from the cache when it may stand in for readdir; else read (by `early`'s
 * thread when there is one: its identity was taken before it began), and kept for next time.
 */
export async function storeEntriesCached(graph: StoreGraph, request: ListingCacheRequest, early?: EarlyListing): Promise<{ entries: StoreEntries; reused: boolean }> {
  // Identity first, then the listing: a change in between shows as another identity next time.
  const readAtNs = early?.readAtNs ?? BigInt(Date.now()) * 1_000_000n;
  const identity = early?.identity ?? identityNow(request.realStoreDir);
  const cached = readListing(request, graph);
  if (cached !== undefined && cached.graphKey === request.graphKey && canReuse(cached, identity, request.marginNs)) {
    early?.cancel();
    return { entries: cached.entries, reused: true };
  }
  const listed = early === undefined ? listStorePacked(request.realStoreDir) : await early.listing;
  const entries = entriesOf(graph, listed);
  try {
    writeListing(request, { identity, readAtNs, ids: entries.ids, unregistered: entries.unregistered, junk: entries.junk });
  } catch {
    // Only a cache: the next run reads the directory again.
  }
  return { entries, reused: false };
}

function identityNow(realStoreDir: string): DirIdentity {
  const st = statSync(fsPath(realStoreDir), { bigint: true });
  return { dev: st.dev, ino: st.ino, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

/** A listing's entries with their graph ids (and names only if something asks for them). */
export function entriesOf(graph: StoreGraph, listed: PackedListing | MatchedListing): StoreEntries & { ids: Int32Array; unregistered: readonly string[] } {
  // Matched as it was read (matchedListing.ts), or as it arrived (matchedOnArrival).
  const { ids, unregistered, junk } = 'ids' in listed ? listed : matchListing(graph, listed);
  // Names again from the graph when asked for: the listing's buffers (at 1.3M entries 80 MB) are garbage from here on.
  return lazyEntries(ids, unregistered, junk, graph);
}

/** A listing of names matched against the graph: each entry's id in readdir order, the names not valid. */
export function matchListing(graph: StoreGraph, listed: PackedListing): MatchedListing {
  const { names, byteOrder } = listed;
  const matched = matchNames(graph, names, byteOrder);
  const count = matched.length;
  const ids = new Int32Array(count);
  for (let k = 0; k < count; k++) ids[byteOrder[k]!] = matched[k]!;
  // Unregistered names in readdir order (strings of their own).
  const unregistered: string[] = [];
  for (let i = 0; i < count; i++) if (ids[i] === -1) unregistered.push(nameAt(names, i));
  // Its names are used no more (at 1.3M entries some 80 MB, given back now).
  listed.release?.();
  return { ids, unregistered, junk: listed.junk };
}

/**
 * The early listing matched against the graph as soon as it arrives (while the roots are read),
 * not when the entries are taken: its names (at 1.3M entries some 80 MB, in arrays of their own)
 * are garbage from then on, where they were held through the roots' scan to the run's peak.
 */
export function matchedOnArrival(early: EarlyListing, graph: StoreGraph): EarlyListing {
  const listing = early.listing.then((listed) => ('ids' in listed ? listed : matchListing(graph, listed)));
  // Awaited only when wanted: a listing not wanted must not be an unhandled rejection.
  listing.catch(() => undefined);
  return { ...early, listing };
}

/** The graph id of each of the names taken in byte order (`names[order[k]]` is the k-th), -1 where not valid. */
export function matchNames(graph: StoreGraph, names: PackedStrings, order: Int32Array): Int32Array {
  const merged = graph.paths.idsOfSortedNames(names, undefined, order);
  if (merged !== undefined) return merged;
  const { bytes, offsets } = names;
  return Int32Array.from(order, (i) => graph.paths.idOfNameBytes(bytes, offsets[i]!, offsets[i + 1]!));
}

/**
 * The directory identity a listing cache file records, read from its header alone (nothing
 * checked: only a hint whether a readdir will be needed), or undefined.
 */
export function cachedListingIdentity(file: string): DirIdentity | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(fsPath(file), 'r');
    const head = Buffer.alloc(MAGIC.length + 8);
    if (readSync(fd, head, 0, head.length, 0) !== head.length || !head.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    if (head.readUInt32LE(MAGIC.length) !== VERSION) return undefined;
    const json = Buffer.alloc(head.readUInt32LE(MAGIC.length + 4));
    if (readSync(fd, json, 0, json.length, head.length) !== json.length) return undefined;
    const { dir } = JSON.parse(json.toString('utf8')) as Header;
    return { dev: BigInt(dir.dev), ino: BigInt(dir.ino), mtimeNs: BigInt(dir.mtimeNs), ctimeNs: BigInt(dir.ctimeNs) };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readListing(request: ListingCacheRequest, graph: StoreGraph): { identity: DirIdentity; readAtNs: bigint; graphKey: string; ids: Int32Array; entries: StoreEntries } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(fsPath(request.file));
  } catch {
    return undefined;
  }
  try {
    if (bytes.length < MAGIC.length + 8 + DIGEST || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const body = bytes.subarray(0, bytes.length - DIGEST);
    if (!createHash('sha256').update(body).digest().equals(bytes.subarray(bytes.length - DIGEST))) return undefined;
    let at = MAGIC.length;
    if (body.readUInt32LE(at) !== VERSION) return undefined;
    const headerLength = body.readUInt32LE(at + 4);
    at += 8;
    const header = JSON.parse(body.toString('utf8', at, at + headerLength)) as Header;
    at += headerLength;
    if (header.realStoreDir !== request.realStoreDir) return undefined;
    // Ids of another graph are only hints (range-checked when translated).
    const sameGraph = header.graphKey === request.graphKey;
    const count = body.readUInt32LE(at);
    at += 4;
    if (at + count * 4 !== body.length) return undefined;
    const ids = new Int32Array(count);
    Buffer.from(ids.buffer).set(body.subarray(at, at + count * 4));
    let missing = 0;
    for (const id of ids) {
      if (id === -1) missing++;
      else if (id < 0 || (sameGraph && id >= graph.paths.size)) return undefined;
    }
    if (missing !== header.unregistered.length) return undefined;
    const { dir } = header;
    const identity: DirIdentity = { dev: BigInt(dir.dev), ino: BigInt(dir.ino), mtimeNs: BigInt(dir.mtimeNs), ctimeNs: BigInt(dir.ctimeNs) };
    return { identity, readAtNs: BigInt(header.readAtNs), graphKey: header.graphKey, ids, entries: lazyEntries(ids, header.unregistered, header.junk, graph) };
  } catch {
    return undefined;
  }
}

/** Entries whose names are made only if something asks for them (liveness needs the ids alone). */
function lazyEntries(ids: Int32Array, unregistered: readonly string[], junk: readonly string[], graph: StoreGraph): StoreEntries & { ids: Int32Array; unregistered: readonly string[] } {
  let names: string[] | undefined;
  const skip = graph.storeDir.length + 1;
  return {
    ids,
    unregistered,
    junk,
    get names(): string[] {
      let next = 0;
      names ??= Array.from(ids, (id) => (id !== -1 ? graph.paths.pathOf(id).slice(skip) : unregistered[next++]!));
      return names;
    },
  };
}

function writeListing(request: ListingCacheRequest, listing: { identity: DirIdentity; readAtNs: bigint; ids: Int32Array; unregistered: readonly string[]; junk: readonly string[] }): void {
  const { identity } = listing;
  const header: Header = {
    realStoreDir: request.realStoreDir,
    graphKey: request.graphKey,
    dir: { dev: String(identity.dev), ino: String(identity.ino), mtimeNs: String(identity.mtimeNs), ctimeNs: String(identity.ctimeNs) },
    readAtNs: String(listing.readAtNs),
    unregistered: listing.unregistered,
    junk: listing.junk,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n, 0);
    return b;
  };
  const body = Buffer.concat([MAGIC, u32(VERSION), u32(json.length), json, u32(listing.ids.length), Buffer.from(listing.ids.buffer, listing.ids.byteOffset, listing.ids.byteLength)]);
  const bytes = Buffer.concat([body, createHash('sha256').update(body).digest()]);
  mkdirSync(fsPath(dirname(request.file)), { recursive: true });
  const temp = `${request.file}.tmp-${process.pid}`;
  try {
    writeFileSync(fsPath(temp), bytes);
    renameSync(fsPath(temp), fsPath(request.file));
  } catch (error) {
    rmSync(fsPath(temp), { force: true });
    throw error;
  }
}
