/**
 * Runs one roots scan through the roots index: cached listings stand in for unchanged
 * directories, and the scan's outcome is written back in one transaction. The index is a
 * cache: a damaged row means reading that directory again (and emptying the index), a failure
 * to write costs only a full scan next time; neither changes what the scan returns.
 */
import type { Settings } from '../../config/settings.js';
import type { TreeScan } from '../readRootTrees.js';
import type { ListingCache } from '../scanTree.js';
import type { Finding } from '../types.js';
import type { DecisionScope } from './decisions.js';
import { openIndex, unavailable } from './openIndex.js';
import { IndexDamaged } from './rootsIndex.js';

/** What the index did for one scan (reported on stderr and in JSON). */
export interface IndexUse {
  readonly file: string | undefined;
  readonly dirs: number;
  readonly reused: number;
  readonly read: number;
  readonly entries: number;
  readonly outsideLinks: number;
  readonly scanMs: number;
  readonly saved: boolean;
}

/** What a scan did, as reported for the index at `file`. */
export function indexUseOf(s: TreeScan, file: string | undefined, saved: boolean): IndexUse {
  return { file, dirs: s.reused + s.read, reused: s.reused, read: s.read, entries: s.entries, outsideLinks: s.outside.length, scanMs: s.scanMs, saved };
}

export interface IndexedScan<T> {
  readonly result: T;
  /** Undefined when no index was used (--no-index, or none could be opened). */
  readonly index: IndexUse | undefined;
  readonly findings: Finding[];
}

/**
 * @param rebuild ignore every cached listing (and drop them) — `index rebuild`.
 * @param decisions keep the decisions of classified listings, and offer those kept, in this
 *   scope (the graph's key: see decisions.ts); the scan's `decisions` are saved.
 */
export async function withIndex<T extends { scan: TreeScan }>(settings: Settings, scan: (cache: ListingCache | undefined) => Promise<T>, rebuild = false, decisions?: DecisionScope): Promise<IndexedScan<T>> {
  const opened = openIndex(settings);
  const findings = [...opened.findings];
  const { index } = opened;
  let damaged = rebuild;
  const distrust = rebuild ? undefined : index?.untrusted();
  if (distrust !== undefined) {
    damaged = true;
    findings.push({ code: 'index-rebuilt', path: opened.file!, message: `roots index: ${distrust}; reading every directory again` });
  }
  const cache: ListingCache | undefined = index === undefined ? undefined : {
    ...(decisions === undefined ? {} : { decisions }),
    lookup: (dir, opts) => {
      if (damaged) return undefined;
      try {
        return index.lookup(dir, opts);
      } catch (error) {
        if (!(error instanceof IndexDamaged)) throw error;
        damaged = true;
        findings.push({ code: 'index-rebuilt', path: opened.file!, message: `roots index: ${error.message}; rebuilding it` });
        return undefined;
      }
    },
  };
  let saved = false;
  try {
    const result = await scan(cache);
    const s = result.scan;
    if (index !== undefined) {
      try {
        if (damaged) index.clear();
        // Not after damage: the listings the decisions belong to were just dropped.
        const kept = damaged || decisions === undefined || s.decisions === undefined ? undefined : { scope: decisions.key, byDir: s.decisions };
        index.save(s.listings, s.outside, {
          startedNs: s.startNs, finishedMs: Date.now(), dirs: s.listings.size, reused: s.reused, read: s.read, entries: s.entries, outside: s.outside.length,
        }, undefined, kept);
        saved = true;
      } catch (error) {
        findings.push(unavailable(opened.file!, `could not update the roots index (${(error as Error).message}); the next scan reads more`));
      }
    }
    // The listings were kept for the index alone; a million names need not live on with the result.
    s.listings.clear();
    const use = index === undefined ? undefined : indexUseOf(s, opened.file, saved);
    return { result, index: use, findings };
  } finally {
    index?.close();
  }
}
