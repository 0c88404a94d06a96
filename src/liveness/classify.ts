/**
 * From roots, store entries and the graph to the live and dead path sets that
 * `nix-store --gc --print-live / --print-dead` print. Pure.
 */
import type { StoreGraph } from '../graph/storeGraph.js';
import type { RootSet } from '../roots/types.js';
import { ALIVE, DEAD, markLive } from './markLive.js';
import { NodeTable } from './nodeTable.js';
import type { StoreEntries } from './storeEntries.js';

export interface PathInfo {
  readonly path: string;
  readonly narSize: number | null;
}

export interface Classification {
  /** Sorted by bytes. */
  readonly live: PathInfo[];
  /** Sorted by bytes; store paths only (junk is separate). */
  readonly dead: PathInfo[];
}

export interface GcOptions {
  readonly keepOutputs: boolean;
  readonly keepDerivations: boolean;
}

export function classifyPaths(graph: StoreGraph, rootSet: RootSet, entries: StoreEntries, options: GcOptions): Classification {
  const nodes = new NodeTable(graph);
  const entryIds = entries.paths.map((p) => nodes.intern(p));
  const rootIds = rootSet.roots.map((r) => nodes.intern(r.path));
  const state = markLive({ nodes, entries: entryIds, roots: rootIds, tempHashParts: rootSet.tempHashParts, ...options });
  const live: PathInfo[] = [];
  const dead: PathInfo[] = [];
  for (let id = 0; id < state.length; id++) {
    const s = state[id]!;
    if (!(s & (ALIVE | DEAD))) continue;
    const info = { path: nodes.pathOf(id), narSize: nodes.isValid(id) && !Number.isNaN(graph.narSize[id]!) ? graph.narSize[id]! : null };
    if (s & ALIVE) live.push(info);
    if (s & DEAD) dead.push(info);
  }
  return { live: sortByPath(live), dead: sortByPath(dead) };
}

function sortByPath(infos: PathInfo[]): PathInfo[] {
  return infos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
