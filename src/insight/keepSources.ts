/**
 * What keeps things alive, as nodes: the roots whose paths are alive, and for temp roots (which
 * protect by hash part, reference §5.6) every alive node sharing a temp root's hash part. Liveness
 * (src/liveness/markLive.ts) marks alive exactly the forward keep closures (§7.2) of the alive
 * members of this set, so chains and dominators start here. Pure.
 */
import type { Csr } from '../graph/csr.js';
import type { NodeTable } from '../liveness/nodeTable.js';
import { ALIVE } from '../liveness/markLive.js';
import type { LivenessState } from '../liveness/markLive.js';
import type { Root } from '../roots/types.js';
import { hashPartOf } from '../store/storePath.js';

export interface KeepSources {
  /** Source node ids, ascending. */
  readonly nodes: Int32Array;
  /**
   * For each source node, the roots that keep it: those that keep it by path, then temp roots
   * (by hash part), each by link then path (the first is the root a chain starts at).
   */
  readonly rootsOf: ReadonlyMap<number, readonly Root[]>;
  /** For each root (by its index in the roots given), the source nodes it keeps. */
  readonly targets: Csr;
}

/** A root with its link and path read once (a listed root makes them when read: listedRoot.ts). */
interface Keyed {
  readonly root: Root;
  readonly temp: number;
  readonly link: string;
  readonly path: string;
}

const byClassLinkPath = (a: Keyed, b: Keyed): number => {
  if (a.temp !== b.temp) return a.temp - b.temp;
  return a.link < b.link ? -1 : a.link > b.link ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
};

const sortedRoots = (held: readonly Root[]): Root[] => held
  .map((root) => ({ root, temp: root.kind === 'temp' ? 1 : 0, link: root.link, path: root.path }))
  .sort(byClassLinkPath)
  .map((k) => k.root);

/** @param rootIds node of each root's path (Liveness.rootIds), when known: saves looking them up. */
export function findKeepSources(nodes: NodeTable, state: LivenessState, roots: readonly Root[], rootIds?: Int32Array): KeepSources {
  // A root keeps its alive path; a temp root, every alive node with its hash part.
  const kept: (number | number[] | undefined)[] = new Array<number | number[] | undefined>(roots.length);
  const storeDir = nodes.graph.storeDir;
  const tempByHash = new Map<string, number[]>();
  roots.forEach((root, i) => {
    if (root.kind === 'temp') {
      const h = hashPartOf(storeDir, root.path);
      tempByHash.set(h, [...(tempByHash.get(h) ?? []), i]);
      kept[i] = [];
      return;
    }
    const id = rootIds === undefined ? nodes.internedId(root.path) : rootIds[i];
    if (id !== undefined && state[id]! & ALIVE) kept[i] = id;
  });
  if (tempByHash.size > 0) {
    for (let id = 0; id < nodes.size; id++) {
      if (!(state[id]! & ALIVE)) continue;
      const temps = tempByHash.get(hashPartOf(storeDir, nodes.pathOf(id)));
      if (temps !== undefined) for (const i of temps) (kept[i] as number[]).push(id);
    }
  }
  // (A loop, not forEach: a root that keeps nothing is a hole in `kept`.)
  const start = new Uint32Array(roots.length + 1);
  for (let i = 0; i < roots.length; i++) {
    const k = kept[i];
    start[i + 1] = start[i]! + (k === undefined ? 0 : typeof k === 'number' ? 1 : k.length);
  }
  const list = new Int32Array(start[roots.length]!);
  for (let i = 0; i < roots.length; i++) {
    const k = kept[i];
    if (typeof k === 'number') list[start[i]!] = k;
    else if (k !== undefined) list.set(k, start[i]!);
  }
  const isSource = new Uint8Array(nodes.size);
  for (const id of list) isSource[id] = 1;
  const ids = new Int32Array(list.length);
  let count = 0;
  for (let id = 0; id < nodes.size; id++) if (isSource[id] === 1) ids[count++] = id;
  // The map is for chains (why, the report page): made when first asked for; roots --sizes never does.
  let rootsOf: Map<number, Root[]> | undefined;
  const byNode = (): Map<number, Root[]> => {
    const map = new Map<number, Root[]>();
    roots.forEach((root, i) => {
      for (let k = start[i]!; k < start[i + 1]!; k++) {
        const held = map.get(list[k]!);
        if (held === undefined) map.set(list[k]!, [root]);
        else held.push(root);
      }
    });
    // Those kept by path before those kept by hash part, each by link then path: the order of
    // `roots` sorted (dedupeRoots), whatever order the roots came in.
    for (const [node, held] of map) if (held.length > 1) map.set(node, sortedRoots(held));
    return map;
  };
  return {
    nodes: ids.slice(0, count),
    get rootsOf() {
      rootsOf ??= byNode();
      return rootsOf;
    },
    targets: { start, list },
  };
}
