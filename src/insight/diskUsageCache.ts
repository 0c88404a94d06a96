/**
 * The disk usage of every valid path (measureDisk.ts), kept between runs of `roots --sizes` and
 * `report`: measuring lstats every file of the store (2.2M at 1.3M paths: 6 s), while a store
 * path's files never change as long as it is valid. What does change them is deduplication:
 * `nix-store --optimise` (and auto-optimise-store) replaces a file by a hard link into `.links`,
 * through a temporary link made in the store directory itself. So the saved usage stands in for
 * measuring only under the roots index's rule (src/roots/index/listing.ts) for the store
 * directory and for `.links` both: each unchanged since before the measure and quiet for the
 * margin then; and only for the same valid paths (the graph cache's key, `CachedGraph.key`).
 * Any path added or deleted, any optimisation, a damaged file: everything is measured again.
 *
 * A file gaining a link into `.links` without the store directory changing (optimising content
 * not seen before links it in place) is not seen, and need not be: an inode with one store path
 * holding it counts exactly as that path's own bytes, in closures and exclusive sizes alike.
 * Changes Nix never makes (a file in a store path edited by hand) are not seen either: the paths
 * are immutable, as `nix-store --verify --check-contents` assumes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { canReuse } from '../roots/index/listing.js';
import type { DirIdentity } from '../roots/index/listing.js';
import { fsPath } from '../store/bytes.js';
import type { SavedUsage } from './measureDisk.js';

const MAGIC = Buffer.from('storegc-disk\n\0\0\0', 'latin1');
const VERSION = 1;
const DIGEST = 32;

export interface DiskCacheRequest {
  readonly file: string;
  readonly realStoreDir: string;
  /** The graph cache's key of the valid paths measured (ids = path table ranks). */
  readonly graphKey: string;
  /** Tests only: the quiet time the directories need before a measure is trusted. */
  readonly marginNs?: bigint;
}

/** The store directory and `.links` (null: none) as they were just before a measure began. */
export interface DiskStamp {
  readonly readAtNs: bigint;
  readonly store: DirIdentity;
  readonly links: DirIdentity | null;
}

/** Taken before measuring: a change after it shows as another identity next time. */
export function takeStamp(realStoreDir: string): DiskStamp {
  const readAtNs = BigInt(Date.now()) * 1_000_000n;
  const identity = (path: string): DirIdentity | null => {
    const st = statSync(fsPath(path), { bigint: true, throwIfNoEntry: false });
    return st === undefined ? null : { dev: st.dev, ino: st.ino, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
  };
  const store = identity(realStoreDir);
  if (store === null) throw Object.assign(new Error(`no store directory ${realStoreDir}`), { code: 'ENOENT' });
  return { readAtNs, store, links: identity(`${realStoreDir}/.links`) };
}

interface Header {
  readonly realStoreDir: string;
  readonly graphKey: string;
  readonly readAtNs: string;
  readonly store: Record<keyof DirIdentity, string>;
  readonly links: Record<keyof DirIdentity, string> | null;
  readonly paths: number;
  readonly inodes: number;
  readonly holders: number;
}

/** The saved usage of `pathCount` valid paths, if it may stand in for measuring them now. */
export function readDiskCache(request: DiskCacheRequest, now: DiskStamp, pathCount: number): SavedUsage | undefined {
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
    if (header.realStoreDir !== request.realStoreDir || header.graphKey !== request.graphKey || header.paths !== pathCount) return undefined;
    const readAtNs = BigInt(header.readAtNs);
    const quiet = (was: Header['store'] | null, current: DirIdentity | null): boolean =>
      was === null || current === null ? was === current : canReuse({ identity: identityOf(was), readAtNs }, current, request.marginNs);
    if (!quiet(header.store, now.store) || !quiet(header.links, now.links)) return undefined;
    const take = <T extends Float64Array | Uint32Array | Int32Array>(make: new (n: number) => T, n: number): T => {
      const column = new make(n);
      const length = n * column.BYTES_PER_ELEMENT;
      if (at + length > body.length) throw new Error('truncated');
      Buffer.from(column.buffer).set(body.subarray(at, at + length));
      at += length;
      return column;
    };
    const saved: SavedUsage = {
      own: take(Float64Array, header.paths),
      inodeDev: take(Float64Array, header.inodes),
      inodeIno: take(Float64Array, header.inodes),
      inodeBytes: take(Float64Array, header.inodes),
      holderStart: take(Uint32Array, header.inodes + 1),
      holderList: take(Int32Array, header.holders),
    };
    if (at !== body.length || saved.holderStart[header.inodes] !== header.holders) return undefined;
    for (const h of saved.holderList) if (h < 0 || h >= pathCount) return undefined;
    return saved;
  } catch {
    return undefined;
  }
}

/** Keeps `saved` (measured after `stamp` was taken) for the next run. */
export function writeDiskCache(request: DiskCacheRequest, stamp: DiskStamp, saved: SavedUsage): void {
  const header: Header = {
    realStoreDir: request.realStoreDir,
    graphKey: request.graphKey,
    readAtNs: String(stamp.readAtNs),
    store: texts(stamp.store),
    links: stamp.links === null ? null : texts(stamp.links),
    paths: saved.own.length,
    inodes: saved.inodeBytes.length,
    holders: saved.holderList.length,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const u32 = Buffer.alloc(8);
  u32.writeUInt32LE(VERSION, 0);
  u32.writeUInt32LE(json.length, 4);
  const raw = (a: Float64Array | Uint32Array | Int32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const parts = [MAGIC, u32, json, raw(saved.own), raw(saved.inodeDev), raw(saved.inodeIno), raw(saved.inodeBytes), raw(saved.holderStart), raw(saved.holderList)];
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  parts.push(hash.digest());
  mkdirSync(fsPath(dirname(request.file)), { recursive: true });
  const temp = `${request.file}.tmp-${process.pid}`;
  try {
    writeFileSync(fsPath(temp), Buffer.concat(parts));
    renameSync(fsPath(temp), fsPath(request.file));
  } catch (error) {
    rmSync(fsPath(temp), { force: true });
    throw error;
  }
}

function texts(identity: DirIdentity): Record<keyof DirIdentity, string> {
  return { dev: String(identity.dev), ino: String(identity.ino), mtimeNs: String(identity.mtimeNs), ctimeNs: String(identity.ctimeNs) };
}

function identityOf(text: Record<keyof DirIdentity, string>): DirIdentity {
  return { dev: BigInt(text.dev), ino: BigInt(text.ino), mtimeNs: BigInt(text.mtimeNs), ctimeNs: BigInt(text.ctimeNs) };
}
