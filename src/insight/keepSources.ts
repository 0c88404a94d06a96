/**
 * What keeps things alive, as nodes: the roots whose paths are alive, and for temp roots (which
 * protect by hash part, reference §5.6) every alive node sharing a temp root's hash part. Liveness
 * (src/liveness/markLive.ts) marks alive exactly the forward keep closures (§7.2) of the alive
 * members of this set, so chains and dominators start here. Pure.
 */
import type { NodeTable } from '../liveness/nodeTable.js';
import { ALIVE } from '../liveness/markLive.js';
import type { LivenessState } from '../liveness/markLive.js';
import type { Root } from '../roots/types.js';
import { hashPartOf } from '../store/storePath.js';

export interface KeepSources {
  /** Source node ids, ascending. */
  readonly nodes: Int32Array;
  /** For each source node, the roots that keep it, in the order given (roots sorted by link). */
  readonly rootsOf: ReadonlyMap<number, readonly Root[]>;
}

/** @param rootIds node of each root's path (Liveness.rootIds), when known: saves looking them up. */
export function findKeepSources(nodes: NodeTable, state: LivenessState, roots: readonly Root[], rootIds?: Int32Array): KeepSources {
  const rootsOf = new Map<number, Root[]>();
  // Each root is one object of `roots`: only a temp root, added by hash part, may come twice.
  const add = (id: number, root: Root): void => {
    const list = rootsOf.get(id);
    if (list === undefined) rootsOf.set(id, [root]);
    else if (root.kind !== 'temp' || !list.includes(root)) list.push(root);
  };
  const storeDir = nodes.graph.storeDir;
  const tempByHash = new Map<string, Root[]>();
  roots.forEach((root, i) => {
    if (root.kind === 'temp') {
      const h = hashPartOf(storeDir, root.path);
      tempByHash.set(h, [...(tempByHash.get(h) ?? []), root]);
      return;
    }
    const id = rootIds === undefined ? nodes.internedId(root.path) : rootIds[i];
    if (id !== undefined && state[id]! & ALIVE) add(id, root);
  });
  if (tempByHash.size > 0) {
    for (let id = 0; id < nodes.size; id++) {
      if (!(state[id]! & ALIVE)) continue;
      const temps = tempByHash.get(hashPartOf(storeDir, nodes.pathOf(id)));
      if (temps !== undefined) for (const root of temps) add(id, root);
    }
  }
  const ids = Int32Array.from(rootsOf.keys()).sort();
  return { nodes: ids, rootsOf };
}
