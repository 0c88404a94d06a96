/**
 * `--keep-recent DURATION` (issue 9): every valid path registered within DURATION of `now` is a
 * root for this run, with its closure (references and keep-* edges, as for any root). Pure.
 */
import type { StoreGraph } from '../graph/storeGraph.js';
import type { Root } from '../roots/types.js';

export const KEEP_RECENT_LINK = '{keep-recent}';

export function recentRoots(graph: StoreGraph, keepSeconds: number, nowSeconds: number): Root[] {
  const cutoff = nowSeconds - keepSeconds;
  const roots: Root[] = [];
  for (let id = 0; id < graph.paths.size; id++) {
    if (graph.registrationTime[id]! >= cutoff) roots.push({ link: KEEP_RECENT_LINK, path: graph.paths.pathOf(id), kind: 'policy' });
  }
  return roots;
}
