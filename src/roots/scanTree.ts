/**
 * Walks a roots tree (gcroots/, profiles/, extra roots) the way Nix's findRoots does
 * (reference §3.2): real directories are recursed, symlinks are read but never followed,
 * regular files are kept, other file types ignored. Directories are read in parallel with
 * bounded concurrency; the entry type comes from readdir (d_type), so only symlinks cost a
 * system call of their own.
 *
 * With a listing cache (the incremental roots index), every directory is first checked with
 * one lstat: if its identity and timestamps say it has not changed since its cached listing was
 * read (`canReuse`), the listing stands in for readdir and readlink. Subdirectories are always
 * checked themselves. Only listings read whole, without error, are handed back for caching.
 */
import type { OpenDirOptions } from 'node:fs';
import type { LimitFunction } from 'p-limit';
import { errnoOf } from '../errors.js';
import { display } from '../store/bytes.js';
import { canReuse, TIMESTAMP_MARGIN_NS } from './index/listing.js';
import type { CachedDir, DirIdentity, Listing } from './index/listing.js';
import { nodeScanFs } from './scanFs.js';
import type { ScanFs } from './scanFs.js';
import type { Finding, TreeEntry } from './types.js';

/** Cached listings, looked up one directory at a time (without file names if not wanted). */
export interface ListingCache {
  lookup(dir: string, withFiles: boolean): CachedDir | undefined;
}

export interface ScanOptions {
  readonly fs?: ScanFs;
  readonly cache?: ListingCache | undefined;
  /** The scan's start on the file timestamps' clock (ns); recorded with each fresh listing. */
  readonly startNs?: bigint;
  readonly marginNs?: bigint;
  /**
   * false: regular-file entries are not wanted, only symlinks (whose outside targets are looked
   * at in every scan) — `index update`. Listings still hold them.
   */
  readonly files?: boolean;
}

export interface ScanResult {
  readonly entries: TreeEntry[];
  readonly findings: Finding[];
  /** With a cache: listings read whole in this scan, or reused, by directory. */
  readonly listings: Map<string, CachedDir>;
  /** Directories whose listing came from the cache / was read. */
  readonly reused: number;
  readonly read: number;
  /** Files and symlinks met (including those of reused listings not emitted). */
  readonly entryCount: number;
}

/** Errors Nix reports as "cannot read potential root" and skips (§3.4). */
const SKIPPED_ERRNOS = new Set(['EACCES', 'ENOENT', 'ENOTDIR']);
const LINK_BATCH = 64;
/** A batch of cached readlinks takes about 0.3 ms; one this slow went to the disk. */
const SLOW_BATCH_MS = 16;
/** Names as raw bytes (Node supports it; its types do not say so). */
export const BUFFER_NAMES = { encoding: 'buffer', bufferSize: 1024 } as unknown as OpenDirOptions;

export function unreadableRoot(path: string, error: unknown): Finding {
  const errno = errnoOf(error);
  const skipped = errno !== undefined && SKIPPED_ERRNOS.has(errno);
  return {
    code: 'unreadable-root',
    path,
    message: skipped
      ? `cannot read potential root '${display(path)}' (${errno})`
      : `cannot read potential root '${display(path)}': ${(error as Error).message} (Nix would abort here; storegc skips it)`,
  };
}

export async function scanTrees(tops: readonly string[], limit: LimitFunction, opts: ScanOptions = {}): Promise<ScanResult> {
  const fs = opts.fs ?? nodeScanFs;
  const { cache } = opts;
  const startNs = opts.startNs ?? BigInt(Date.now()) * 1_000_000n;
  const marginNs = opts.marginNs ?? TIMESTAMP_MARGIN_NS;
  const entries: TreeEntry[] = [];
  const findings: Finding[] = [];
  const listings = new Map<string, CachedDir>();
  const counts = { reused: 0, read: 0, entryCount: 0 };
  let blockingReads = true;
  const pending: Promise<void>[] = [];

  const files = opts.files ?? true;
  const emit = (dir: string, listing: Listing, entryCount = listing.files.length + listing.links.length): void => {
    counts.entryCount += entryCount;
    if (files) for (const name of listing.files) entries.push({ type: 'file', path: `${dir}/${name}` });
    for (const { name, target } of listing.links) entries.push({ type: 'symlink', path: `${dir}/${name}`, target });
    for (const name of listing.dirs) visitDir(`${dir}/${name}`);
  };

  const visitDir = (dir: string): void => {
    pending.push(limit(() => (cache === undefined ? readFresh(dir) : readCached(dir))).catch((error: unknown) => {
      findings.push(unreadableRoot(dir, error));
    }));
  };

  const readFresh = async (dir: string, identity?: DirIdentity): Promise<void> => {
    const { listing, complete } = await readListing(dir);
    counts.read++;
    if (identity !== undefined && complete) listings.set(dir, { identity, readAtNs: startNs, listing, entries: listing.files.length + listing.links.length });
    emit(dir, listing);
  };

  const readCached = async (dir: string): Promise<void> => {
    // The identity is taken before the listing is read: a change during the read moves it.
    const st = await fs.stat(dir);
    if (st.kind !== 'dir') return visitNonDir(dir, st.kind);
    const cached = cache!.lookup(dir, files);
    if (cached !== undefined && canReuse(cached, st, marginNs)) {
      counts.reused++;
      listings.set(dir, cached);
      emit(dir, cached.listing, cached.entries);
      return;
    }
    await readFresh(dir, st);
  };

  const readListing = async (dir: string): Promise<{ listing: Listing; complete: boolean }> => {
    const { files, links: linkNames, dirs } = await fs.list(dir);
    const links: { name: string; target: string }[] = [];
    let complete = true;
    const readOne = (name: string, read: (path: string) => string): void => {
      try {
        links.push({ name, target: read(`${dir}/${name}`) });
      } catch (error) {
        complete = false;
        findings.push(unreadableRoot(`${dir}/${name}`, error));
      }
    };
    // Links whose inodes are cached are read fastest one after another, blocking; a batch that
    // turns out slow means the disk is being read, and then parallel reads win: from there on,
    // bounded fan-out inside the directory (a Hydra roots dir can hold a million links).
    let blocking = blockingReads && fs.readlinkNow !== undefined;
    for (let i = 0; i < linkNames.length; i += LINK_BATCH) {
      const batch = linkNames.slice(i, i + LINK_BATCH);
      if (blocking) {
        const t0 = performance.now();
        for (const name of batch) readOne(name, (p) => fs.readlinkNow!(p));
        if (performance.now() - t0 > SLOW_BATCH_MS) blocking = blockingReads = false;
        continue;
      }
      const targets = await Promise.allSettled(batch.map((name) => fs.readlink(`${dir}/${name}`)));
      targets.forEach((t, k) => readOne(batch[k]!, () => {
        if (t.status === 'rejected') throw t.reason;
        return t.value;
      }));
    }
    return { listing: { files, links, dirs }, complete };
  };

  /** A path expected to be a directory turned out not to be one: take it as Nix would. */
  const visitNonDir = async (path: string, kind: string): Promise<void> => {
    if (kind === 'file') entries.push({ type: 'file', path });
    else if (kind === 'link') entries.push({ type: 'symlink', path, target: await fs.readlink(path) });
    if (kind === 'file' || kind === 'link') counts.entryCount++;
  };

  // The tops are of unknown type: lstat them, like Nix does for DT_UNKNOWN.
  for (const top of tops) {
    try {
      const st = await fs.stat(top);
      if (st.kind === 'dir') visitDir(top);
      else pending.push(visitNonDir(top, st.kind).catch((error: unknown) => { findings.push(unreadableRoot(top, error)); }));
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') findings.push(unreadableRoot(top, error));
    }
  }
  for (let i = 0; i < pending.length; i++) await pending[i];
  return { entries, findings, listings, ...counts };
}
