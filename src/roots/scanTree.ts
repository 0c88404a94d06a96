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
 *
 * Asked to (`decisions`), a reused listing whose entries' decisions were kept comes without its
 * file names: it is handed back as a decided directory instead of entries, and of its links only
 * those that leave the store are emitted (their second hop is looked at in every scan).
 *
 * Asked to (`packedFileRoots`, without a cache), a directory's regular files come back as one
 * span of packed names instead of an entry each: liveness looks them up by their bytes (120k
 * file roots made 120k names, paths and entry objects, a tenth of `dead`'s time at 200k).
 */
import type { LimitFunction } from 'p-limit';
import { errnoOf } from '../errors.js';
import { display } from '../store/bytes.js';
import { isInStore } from '../store/storePath.js';
import { canReuse, TIMESTAMP_MARGIN_NS } from './index/listing.js';
import type { CachedDir, DirIdentity, Listing, LookupOptions, PackedNames } from './index/listing.js';
import { OUTSIDE } from './index/decisions.js';
import type { DecisionScope, DirDecisions } from './index/decisions.js';
import { Pace } from './pace.js';
import { nodeScanFs } from './scanFs.js';
import type { NodeKind, ScanFs } from './scanFs.js';
import type { PackedStrings } from '../store/byteOrder.js';
import type { Finding, TreeEntry } from './types.js';

/** Cached listings, looked up one directory at a time (without file names if not wanted). */
export interface ListingCache {
  /** See LookupOptions: files, kept decisions or only the links leaving the store, as wanted. */
  lookup(dir: string, opts?: LookupOptions): CachedDir | undefined;
  /** The scope in which this cache keeps decisions, if it does (see decisions.ts). */
  readonly decisions?: DecisionScope;
}

/** A reused directory whose entries were decided by an earlier scan: no entries are made for it. */
export interface DecidedDir {
  readonly dir: string;
  /** Where in `entries` the directory's entries would have been: its links leaving the store follow, in order. */
  readonly at: number;
  readonly links: Listing['links'];
  readonly decisions: DirDecisions;
  /** The decisions were translated from the previous graph (CachedDir.translated). */
  readonly translated?: { readonly recheck: boolean };
  /** The files' names: when translated, or when the scope asked for them (DecisionScope.names). */
  readonly files?: readonly string[];
}

/** The regular files of one directory, packed, standing at `at` among the entries (before its links). */
export interface FileSpan {
  readonly dir: string;
  readonly at: number;
  readonly names: PackedStrings;
}

/** The entries of one directory whose listing is handed back for caching: files, then links. */
export interface DirSpan {
  readonly dir: string;
  readonly at: number;
  readonly files: number;
  readonly links: number;
}

export interface ScanOptions {
  readonly fs?: ScanFs;
  readonly cache?: ListingCache | undefined;
  /** The scan's start on the file timestamps' clock (ns); recorded with each fresh listing. */
  readonly startNs?: bigint;
  readonly marginNs?: bigint;
  /**
   * false: regular-file entries are not wanted, only symlinks (whose outside targets are looked
   * at in every scan) — `index update`. Listings still hold them, packed (`packedFiles`).
   */
  readonly files?: boolean;
  /**
   * With `files` false, a store dir: symlinks into it are not wanted either, only those leaving
   * it (whose outside targets are looked at) are emitted; a reused listing's other links are
   * not even made strings. Listings read in the scan still hold every link.
   */
  readonly leaving?: string | undefined;
  /** Blocking or parallel system calls; one Pace for the whole scan. */
  readonly pace?: Pace;
  /**
   * Use and make kept decisions in this scope (with `files` only): decided directories, and
   * spans for the entries of every other cached listing.
   */
  readonly decisions?: DecisionScope | undefined;
  /** Regular files as packed spans (`fileSpans`), not entries; only without a cache (no spans to record). */
  readonly packedFileRoots?: boolean;
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
  /** With `decisions`: reused directories whose decisions were kept, in `at` order. */
  readonly decided: DecidedDir[];
  /** With `decisions`: the entries of each other listing in `listings`, in `at` order. */
  readonly spans: DirSpan[];
  /** With `packedFileRoots`: each directory's regular files. */
  readonly fileSpans: FileSpan[];
}

/** Errors Nix reports as "cannot read potential root" and skips (§3.4). */
const SKIPPED_ERRNOS = new Set(['EACCES', 'ENOENT', 'ENOTDIR']);
const LINK_BATCH = 64;
/** A batch of cached readlinks takes about 0.3 ms; one this slow went to the disk. */
const SLOW_BATCH_MS = 16;
/**
 * A cached lstat takes microseconds; one this slow went to the disk. As long as a batch's limit:
 * a tighter one would take the scheduler's preemption of a busy machine for a disk.
 */
const SLOW_STAT_MS = SLOW_BATCH_MS;

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
  const pace = opts.pace ?? new Pace();
  const pending: Promise<void>[] = [];

  const files = opts.files ?? true;
  const leaving = files ? undefined : opts.leaving;
  const scope = files ? opts.decisions : undefined;
  const decided: DecidedDir[] = [];
  const spans: DirSpan[] = [];
  const fileSpans: FileSpan[] = [];
  const packFileRoots = files && opts.packedFileRoots === true && cache === undefined;
  /** @param cached the listing is handed back for caching (its decisions may be kept). */
  const emit = (dir: string, listing: Listing, cached: boolean, entryCount = listing.files.length + listing.links.length, fileNames?: PackedStrings): void => {
    counts.entryCount += entryCount;
    if (fileNames !== undefined && fileNames.offsets.length > 1) fileSpans.push({ dir, at: entries.length, names: fileNames });
    if (scope !== undefined && cached) spans.push({ dir, at: entries.length, files: listing.files.length, links: listing.links.length });
    if (files) for (const name of listing.files) entries.push({ type: 'file', path: `${dir}/${name}`, name });
    for (const { name, target } of listing.links) {
      if (leaving === undefined || !isInStore(leaving, target)) entries.push({ type: 'symlink', path: `${dir}/${name}`, target });
    }
    for (const name of listing.dirs) visitDir(`${dir}/${name}`);
  };

  const emitDecided = (dir: string, cached: CachedDir, decisions: DirDecisions, entryCount: number): void => {
    const { listing, translated } = cached;
    counts.entryCount += entryCount;
    const named = translated !== undefined || scope?.names === true;
    decided.push({ dir, at: entries.length, links: listing.links, decisions, ...(translated === undefined ? {} : { translated }), ...(named ? { files: listing.files } : {}) });
    listing.links.forEach(({ name, target }, i) => {
      if (decisions.links[i] === OUTSIDE) entries.push({ type: 'symlink', path: `${dir}/${name}`, target });
    });
    for (const name of listing.dirs) visitDir(`${dir}/${name}`);
  };

  const visitDir = (dir: string): void => {
    pending.push(limit(() => (cache === undefined ? readFresh(dir) : readCached(dir))).catch((error: unknown) => {
      findings.push(unreadableRoot(dir, error));
    }));
  };

  const readFresh = async (dir: string, identity?: DirIdentity): Promise<void> => {
    const { listing, packedFiles, fileNames, complete } = await readListing(dir);
    counts.read++;
    const entryCount = (packedFiles?.count ?? (fileNames === undefined ? listing.files.length : fileNames.offsets.length - 1)) + listing.links.length;
    const cached = identity !== undefined && complete;
    if (cached) listings.set(dir, { identity, readAtNs: startNs, listing, packedFiles, entries: entryCount });
    emit(dir, listing, cached, entryCount, fileNames);
  };

  const readCached = async (dir: string): Promise<void> => {
    // The identity is taken before the listing is read: a change during the read moves it.
    // Blocking while the pace allows: most directories of a rescan cost nothing but this lstat.
    const st = pace.blockingNow ? pace.timed(SLOW_STAT_MS, () => fs.statNow(dir)) : await fs.stat(dir);
    if (st.kind !== 'dir') return visitNonDir(dir, st.kind);
    const cached = cache!.lookup(dir, { withFiles: files, usable: (c) => canReuse(c, st, marginNs), scope, leaving });
    if (cached !== undefined && canReuse(cached, st, marginNs)) {
      counts.reused++;
      listings.set(dir, cached);
      if (cached.decisions !== undefined) emitDecided(dir, cached, cached.decisions, cached.entries);
      else emit(dir, cached.listing, true, cached.entries);
      return;
    }
    await readFresh(dir, st);
  };

  const readListing = async (dir: string): Promise<{ listing: Listing; packedFiles: PackedNames | undefined; fileNames: PackedStrings | undefined; complete: boolean }> => {
    // Files not wanted as entries are only counted and saved, or looked up by their bytes: packed
    // as read, no strings kept.
    const { files: names, packedFiles, fileNames, links: linkNames, linkTargets, dirs } = await fs.list(dir, pace, !files ? 'joined' : packFileRoots ? 'strings' : undefined);
    // In listing order, however the readlinks finish: a scan gives its roots in one order.
    const read: ({ name: string; target: string } | undefined)[] = new Array(linkNames.length);
    let complete = true;
    const failed = (name: string, error: unknown): void => {
      complete = false;
      findings.push(unreadableRoot(`${dir}/${name}`, error));
    };
    // All at once where the file system can (the native helper) and the pace allows; the pace is
    // told how long they took for their number.
    // (Read with the listing itself where the file system can: then already here.)
    const t0 = performance.now();
    const atOnce = linkTargets ?? (pace.blockingNow && linkNames.length > 0 ? fs.readlinksNow?.(dir, linkNames) : undefined);
    if (atOnce !== undefined) {
      if (linkTargets === undefined) pace.noted(performance.now() - t0, SLOW_BATCH_MS * Math.max(1, linkNames.length / LINK_BATCH));
      atOnce.forEach((target, k) => {
        if (typeof target === 'string') read[k] = { name: linkNames[k]!, target };
        else failed(linkNames[k]!, target);
      });
    } else await pace.each(linkNames, LINK_BATCH, SLOW_BATCH_MS, (name, k) => {
      try {
        read[k] = { name, target: fs.readlinkNow(`${dir}/${name}`) };
      } catch (error) {
        failed(name, error);
      }
    }, async (name, k) => {
      try {
        read[k] = { name, target: await fs.readlink(`${dir}/${name}`) };
      } catch (error) {
        failed(name, error);
      }
    });
    const links: { name: string; target: string }[] = [];
    for (const link of read) if (link !== undefined) links.push(link);
    return { listing: { files: names, links, dirs }, packedFiles, fileNames, complete };
  };

  /** A path expected to be a directory turned out not to be one: take it as Nix would. */
  const visitNonDir = async (path: string, kind: NodeKind): Promise<void> => {
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
  return { entries, findings, listings, ...counts, decided, spans, fileSpans };
}
