/**
 * Where storegc keeps its caches for a state dir: beside the roots index, under the same
 * location rules and fallbacks (src/roots/index/locateIndex.ts). `--no-index` means none.
 */
import type { Settings } from '../../config/settings.js';
import { canWrite } from '../../roots/index/openIndex.js';
import { locateStateFile } from '../../roots/index/locateIndex.js';

/** Where the graph cache is for these settings: none with `--no-index`. */
export function graphCacheFile(settings: Settings): string | undefined {
  if (settings.index.kind === 'none') return undefined;
  return locateStateFile('graph-cache', settings.stateDir, settings.cacheHome, canWrite, 'bin');
}

/** Where the store listing cache (src/snapshot/storeListingCache.ts) is: beside the graph cache. */
export function storeListingFile(settings: Settings): string | undefined {
  if (settings.index.kind === 'none') return undefined;
  return locateStateFile('store-listing', settings.stateDir, settings.cacheHome, canWrite, 'bin');
}

/** Where the disk usage cache (src/insight/diskUsageCache.ts) is: beside the graph cache. */
export function diskUsageFile(settings: Settings): string | undefined {
  if (settings.index.kind === 'none') return undefined;
  return locateStateFile('disk-usage', settings.stateDir, settings.cacheHome, canWrite, 'bin');
}

/**
 * The liveness memo of the read-only commands (src/liveness/livenessMemo.ts), beside the graph
 * cache, for the graph of `graphKey`: none under --no-index or without a graph cache key.
 */
export function livenessMemoFor(settings: Settings, graphKey: string | undefined): { file: string; graphKey: string } | undefined {
  if (settings.index.kind === 'none' || graphKey === undefined) return undefined;
  const file = locateStateFile('liveness', settings.stateDir, settings.cacheHome, canWrite, 'bin');
  return file === undefined ? undefined : { file, graphKey };
}

/** Where the root sizes memo (src/insight/sizesMemo.ts) is: beside the graph cache. */
export function sizesMemoFile(settings: Settings): string | undefined {
  if (settings.index.kind === 'none') return undefined;
  return locateStateFile('root-sizes', settings.stateDir, settings.cacheHome, canWrite, 'bin');
}

