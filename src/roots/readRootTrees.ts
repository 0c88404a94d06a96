/**
 * The permanent-roots half of root discovery as I/O only: walk gcroots/, profiles/ and the
 * extra roots (optionally through cached listings), then look at the outside target of every
 * symlink that leaves the store (reference §3.3 step 2). Outside links are looked at in every
 * scan: they change without touching gcroots/, so no cache may stand in for them. What counts
 * as a root is decided by the caller, against the current database.
 */
import type { LimitFunction } from 'p-limit';
import { outsidePaths } from '../config/settings.js';
import type { Settings } from '../config/settings.js';
import { leadsOutside, outsideTarget } from './classify.js';
import { expandExtraRoots } from './extraRoots.js';
import { describeLooks, lookOutside, lookOutsideAllNow } from './followOutside.js';
import type { OutsideLooks } from './followOutside.js';
import type { DecisionScope, DirDecisions } from './index/decisions.js';
import type { OutsideLink } from './index/rootsIndex.js';
import { Pace } from './pace.js';
import { scanTrees } from './scanTree.js';
import type { DecidedDir, DirSpan, FileSpan, ListingCache, ScanResult } from './scanTree.js';
import type { ScanFs } from './scanFs.js';
import type { Finding, TreeEntry } from './types.js';

export interface TreeScan extends Pick<ScanResult, 'listings' | 'reused' | 'read'> {
  readonly startNs: bigint;
  readonly entries: number;
  readonly outside: OutsideLink[];
  readonly scanMs: number;
  /** Decisions made in this scan for cached listings, to be kept with them (set by the classifier). */
  readonly decisions?: ReadonlyMap<string, DirDecisions>;
}

export interface RootTrees {
  readonly entries: readonly TreeEntry[];
  /** The outside looks of each symlink leaving the store (one per place), by link. */
  readonly looks: ReadonlyMap<string, OutsideLooks>;
  readonly findings: readonly Finding[];
  readonly scan: TreeScan;
  /** With `decisions`: directories decided by an earlier scan (no entries), and where each cached listing's entries are. */
  readonly decided: readonly DecidedDir[];
  readonly spans: readonly DirSpan[];
  /** With `packedFileRoots`: each directory's regular files, packed (scanTree.ts). */
  readonly fileSpans: readonly FileSpan[];
}

const OUTSIDE_BATCH = 64;
/** Two cached lookups take a few microseconds; a batch this slow went to a disk or a network. */
const SLOW_OUTSIDE_BATCH_MS = 16;

function rootTops(settings: Settings, extra: readonly string[]): string[] {
  return [`${settings.stateDir}/gcroots`, `${settings.stateDir}/profiles`, ...extra];
}

/** Replaceable I/O for tests: the scanner's file system and the clock of file timestamps. */
export interface TreeIo {
  readonly fs?: ScanFs;
  readonly nowNs?: () => bigint;
  /** Only for proving that the index's margin matters. */
  readonly marginNs?: bigint;
  /** false: no blocking system calls (the path taken once the disk turns out slow). */
  readonly blocking?: boolean;
}

/**
 * @param files false when regular-file entries are not wanted (`index update`): they are not
 *   emitted, and for unchanged directories not even read from the index; nor are symlinks into
 *   the store (only those leaving it are looked at further).
 * @param decisions use the cache's kept decisions in this scope (with `files` only; see scanTree.ts).
 * @param packedFileRoots regular files as packed spans, without a cache (see scanTree.ts).
 */
export async function readRootTrees(settings: Settings, limit: LimitFunction, cache?: ListingCache, io: TreeIo = {}, files = true, decisions?: DecisionScope, packedFileRoots = false): Promise<RootTrees> {
  const extra = await expandExtraRoots(settings.extraRoots, settings.root);
  const tops = rootTops(settings, extra.tops);
  const started = performance.now();
  // File timestamps are on the kernel's wall clock: the scan's start must be on it too.
  const startNs = io.nowNs?.() ?? BigInt(Date.now()) * 1_000_000n;
  const pace = new Pace(io.blocking ?? true);
  // Without files (`index update`) only links leaving the store matter: they are looked at below.
  const leaving = files ? undefined : settings.storeDir;
  const scan = await scanTrees(tops, limit, { cache, startNs, files, leaving, pace, decisions, packedFileRoots, ...(io.fs === undefined ? {} : { fs: io.fs }), ...(io.marginNs === undefined ? {} : { marginNs: io.marginNs }) });
  const looks = new Map<string, OutsideLooks>();
  const outside: OutsideLink[] = [];
  const record = (link: string, target: string, found: OutsideLooks): void => {
    looks.set(link, found);
    outside.push({ link, target, result: describeLooks(found) });
  };
  await pace.eachBatch(scan.entries.filter((e) => leadsOutside(e, settings.storeDir)), OUTSIDE_BATCH, SLOW_OUTSIDE_BATCH_MS, (entries) => {
    const items = entries.map((entry) => {
      const target = outsideTarget(entry.path, entry.target);
      return { link: entry.path, target, places: outsidePaths(settings, target) };
    });
    lookOutsideAllNow(items).forEach((found, k) => record(items[k]!.link, items[k]!.target, found));
  }, async (entry) => {
    const target = outsideTarget(entry.path, entry.target);
    record(entry.path, target, await lookOutside(entry.path, outsidePaths(settings, target)));
  });
  return {
    entries: scan.entries,
    looks,
    findings: [...extra.findings, ...scan.findings],
    scan: { listings: scan.listings, reused: scan.reused, read: scan.read, startNs, entries: scan.entryCount, outside, scanMs: performance.now() - started },
    decided: scan.decided,
    spans: scan.spans,
    fileSpans: scan.fileSpans,
  };
}
