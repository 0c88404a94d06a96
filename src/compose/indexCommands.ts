/**
 * The `storegc index` commands: status, update, rebuild, verify. They read the roots trees
 * only (no database: validity is decided at use, never cached) and write nothing but the index.
 */
import pLimit from 'p-limit';
import { statSync } from 'node:fs';
import type { Settings } from '../config/settings.js';
import { StoregcError } from '../errors.js';
import { display, fsPath } from '../store/bytes.js';
import { readRootTrees } from '../roots/readRootTrees.js';
import type { Finding } from '../roots/types.js';
import { diffScans } from '../roots/index/drift.js';
import { openIndex, unavailable } from '../roots/index/openIndex.js';
import { IndexDamaged, RootsIndex } from '../roots/index/rootsIndex.js';
import type { ScanSummary } from '../roots/index/rootsIndex.js';
import type { ListingCache } from '../roots/scanTree.js';
import { indexUseOf, withIndex } from '../roots/index/withIndex.js';
import type { IndexUse } from '../roots/index/withIndex.js';
import { graphCacheStatus, graphCacheUpdate, graphCacheVerify } from '../graph/cache/graphCacheCommands.js';
import type { GraphCacheReport } from '../graph/cache/graphCacheCommands.js';

export interface IndexStatus {
  readonly dirs: number;
  readonly entries: number;
  readonly outsideLinks: number;
  readonly sizeBytes: number;
  readonly lastScan: ScanSummary | undefined;
}

export interface IndexReport {
  readonly command: 'index';
  readonly action: 'status' | 'update' | 'rebuild' | 'verify';
  readonly storeDir: string;
  readonly file: string | undefined;
  readonly status?: IndexStatus;
  readonly use?: IndexUse;
  /** verify: differences between the indexed scan and a full scan (none when the index is sound). */
  readonly drift?: readonly string[];
  /** verify: cached directories that changed since the last update (read again, not drift). */
  readonly staleDirs?: number;
  /** The graph cache (src/graph/cache/), covered by the same commands. */
  readonly graphCache?: GraphCacheReport;
  readonly findings: readonly Finding[];
}

export async function updateIndex(settings: Settings, rebuild: boolean): Promise<IndexReport> {
  const limit = pLimit(settings.jobs);
  if (settings.index.kind === 'none') throw new StoregcError('usage', undefined, '`index update` and `index rebuild` need an index', 'drop --no-index');
  const run = await withIndex(settings, (cache) => readRootTrees(settings, limit, cache, {}, false), rebuild);
  const graph = graphCacheUpdate(settings, rebuild);
  return {
    command: 'index', action: rebuild ? 'rebuild' : 'update', storeDir: settings.storeDir, file: run.index?.file,
    use: run.index ?? indexUseOf(run.result.scan, undefined, false),
    graphCache: graph.report,
    findings: [...run.findings, ...run.result.findings, ...graph.findings],
  };
}

export function indexStatus(settings: Settings): IndexReport {
  const opened = openIndex(settings, true);
  const { index, file } = opened;
  const head = { command: 'index', action: 'status', storeDir: settings.storeDir, file, graphCache: graphCacheStatus(settings) } as const;
  if (index === undefined) return { ...head, findings: opened.findings };
  try {
    const counts = index.counts();
    const status: IndexStatus = { dirs: counts.dirs, entries: counts.entries, outsideLinks: counts.outside, sizeBytes: statSync(fsPath(file!)).size, lastScan: index.lastScan() };
    return { ...head, status, findings: opened.findings };
  } finally {
    index.close();
  }
}

export async function verifyIndex(settings: Settings): Promise<IndexReport> {
  const opened = openIndex(settings, true);
  const { index, file } = opened;
  if (index === undefined) {
    throw new StoregcError('index-missing', file === undefined ? undefined : display(file), 'no roots index to verify', 'run `storegc index update` first');
  }
  try {
    const limit = pLimit(settings.jobs);
    // Both scans are taken now; the index is read but not written.
    const damaged: string[] = [];
    const cache: ListingCache = {
      lookup: (dir, opts) => {
        try {
          return index.lookup(dir, { usable: opts?.usable });
        } catch (error) {
          if (!(error instanceof IndexDamaged)) throw error;
          damaged.push(`! ${error.message}`);
          return undefined;
        }
      },
    };
    const indexed = await readRootTrees(settings, limit, cache);
    const full = await readRootTrees(settings, limit);
    const drift = [...damaged, ...diffScans({ entries: indexed.entries, outside: indexed.scan.outside }, { entries: full.entries, outside: full.scan.outside })];
    const use = indexUseOf(indexed.scan, file, false);
    index.close();
    const findings = [...opened.findings, ...full.findings];
    if (drift.length > 0) findings.push(...distrust(file!, settings.stateDir, drift.length));
    // The graph cache's differences count as drift too (exit 1); the next run's checks still apply.
    const graph = graphCacheVerify(settings);
    findings.push(...graph.findings);
    drift.push(...(graph.report.differences ?? []).map((line) => `graph cache: ${line}`));
    return { command: 'index', action: 'verify', storeDir: settings.storeDir, file, use, drift, staleDirs: use.read, graphCache: graph.report, findings };
  } finally {
    index.close();
  }
}

/**
 * After drift, no listing of this index may stand in for a directory again until it is rebuilt:
 * the next scan reads everything (and says so). Returns a warning if that cannot be recorded.
 */
function distrust(file: string, stateDir: string, differences: number): Finding[] {
  try {
    const writable = RootsIndex.open(file, stateDir);
    try {
      writable.markUntrusted(`the last \`storegc index verify\` found ${differences} differences from the disk`);
    } finally {
      writable.close();
    }
    return [];
  } catch (error) {
    return [unavailable(file, `cannot mark the drifted roots index untrusted (${(error as Error).message}); run \`storegc index rebuild\``)];
  }
}
