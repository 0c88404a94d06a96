/**
 * From roots, store entries and the graph to the live and dead path sets that
 * `nix-store --gc --print-live / --print-dead` print. Pure.
 */
import type { StoreGraph } from '../graph/storeGraph.js';
import { compareBytes } from '../store/bytes.js';
import type { RootSet } from '../roots/types.js';
import { livenessKey, readLivenessMemo, writeLivenessMemo } from './livenessMemo.js';
import type { LivenessMemoRequest } from './livenessMemo.js';
import { ALIVE, DEAD, markLive } from './markLive.js';
import type { LivenessState } from './markLive.js';
import { NodeTable } from './nodeTable.js';
import { PathList } from './pathList.js';
import type { PathInfo } from './pathList.js';
import { entryIds } from './storeEntries.js';
import type { StoreEntries } from './storeEntries.js';

export interface Classification {
  /** Sorted by bytes. */
  readonly live: PathList;
  /** Sorted by bytes; store paths only (junk is separate). */
  readonly dead: PathList;
}

export interface GcOptions {
  readonly keepOutputs: boolean;
  readonly keepDerivations: boolean;
}

/** The liveness of every node, with the table that names them. */
export interface Liveness {
  readonly nodes: NodeTable;
  readonly state: LivenessState;
  /** Node of each root's path, in the root set's order, then its kept root ids. */
  readonly rootIds: Int32Array;
}

/**
 * @param requested for `delete PATH...`: the walk starts from these paths only and cannot pass
 *   through others; `entries` is then ignored.
 * @param memo the read-only commands' memo of the answer (livenessMemo.ts); never with `requested`.
 */
export function computeLiveness(graph: StoreGraph, rootSet: RootSet, entries: StoreEntries, options: GcOptions, requested?: readonly string[], memo?: LivenessMemoRequest): Liveness {
  const nodes = new NodeTable(graph);
  const startIds = requested === undefined ? entryIds(entries, (name) => nodes.internName(name)) : [...new Set(requested)].sort().map((p) => nodes.intern(p));
  const known = rootSet.rootIds?.length === rootSet.roots.length ? rootSet.rootIds : undefined;
  const kept = rootSet.keptRootIds ?? new Int32Array(0);
  const rootIds = new Int32Array(rootSet.roots.length + kept.length);
  rootSet.roots.forEach((r, i) => {
    rootIds[i] = known !== undefined && known[i]! >= 0 ? known[i]! : nodes.intern(r.path);
  });
  rootIds.set(kept, rootSet.roots.length);
  const input = {
    nodes,
    entries: startIds,
    roots: rootIds,
    tempHashParts: rootSet.tempHashParts,
    keepOutputs: options.keepOutputs,
    keepDerivations: options.keepDerivations,
    requested: requested === undefined ? undefined : new Set(startIds),
  };
  if (memo === undefined || requested !== undefined) return { nodes, state: markLive(input), rootIds };
  // Every node is interned by now: the key names them all.
  const key = livenessKey(memo.graphKey, input, rootIds, nodes.invalidNames);
  const remembered = readLivenessMemo(memo.file, key, nodes.size);
  if (remembered !== undefined) return { nodes, state: remembered, rootIds };
  const state = markLive(input);
  try {
    writeLivenessMemo(memo.file, key, state);
  } catch {
    // Only a cache: the next run computes again.
  }
  return { nodes, state, rootIds };
}

export function narSizeOf(nodes: NodeTable, id: number): number | null {
  const size = nodes.isValid(id) ? nodes.graph.narSize[id]! : Number.NaN;
  return Number.isNaN(size) ? null : size;
}

/**
 * @param wanted which lists to build (default both): `live` and `dead` each print one, and a
 *   path string per node of the other list is work for nothing.
 */
export function classifyPaths(graph: StoreGraph, rootSet: RootSet, entries: StoreEntries, options: GcOptions, wanted: 'live' | 'dead' | 'both' = 'both', memo?: LivenessMemoRequest): Classification {
  const { nodes, state } = computeLiveness(graph, rootSet, entries, options, undefined, memo);
  const mask = wanted === 'live' ? ALIVE : wanted === 'dead' ? DEAD : ALIVE | DEAD;
  // Valid paths have ids in byte order of their paths already (loadGraph): kept as ids; only the
  // few invalid nodes (unregistered entries, temp roots) are named and sorted.
  const counts = [0, 0];
  for (let id = 0; id < nodes.validCount; id++) {
    const s = state[id]! & mask;
    if (s & ALIVE) counts[0]!++;
    if (s & DEAD) counts[1]!++;
  }
  const live = new Int32Array(counts[0]!);
  const dead = new Int32Array(counts[1]!);
  let l = 0;
  let d = 0;
  for (let id = 0; id < nodes.validCount; id++) {
    const s = state[id]! & mask;
    if (s & ALIVE) live[l++] = id;
    if (s & DEAD) dead[d++] = id;
  }
  const extraLive: PathInfo[] = [];
  const extraDead: PathInfo[] = [];
  for (let id = nodes.validCount; id < state.length; id++) {
    const s = state[id]! & mask;
    if (!s) continue;
    const info = { path: nodes.pathOf(id), narSize: null };
    if (s & ALIVE) extraLive.push(info);
    if (s & DEAD) extraDead.push(info);
  }
  return { live: PathList.of(nodes, live, extraLive.sort(byPath)), dead: PathList.of(nodes, dead, extraDead.sort(byPath)) };
}

const byPath = (a: PathInfo, b: PathInfo): number => compareBytes(a.path, b.path);
