/**
 * Why-alive chains over the keep graph (src/graph/keepEdges.ts). Alive means what `storegc live`
 * lists (the ALIVE bit of markLive), and the alive set is exactly the forward closure of the keep
 * sources (src/insight/keepSources.ts), so every alive node has a chain and no other node has one,
 * with one exception copied from Nix 2.8 (reference §7.3): under keep-outputs its reverse walk also
 * follows DerivationOutputs rows of paths that are not `.drv`, which the forward closure does not,
 * so such an output can be alive with no chain (`why` says so). Pure.
 *
 * - shortest chain: one multi-source BFS from all sources, with parents (O(graph), once for any
 *   number of queried paths);
 * - every root's own shortest chain (`--all`): one BFS from the path over reverse keep edges gives
 *   each ancestor its distance to the path; the sources among the ancestors are the roots that
 *   keep it, and from each, a greedy walk to a neighbour one step closer is a shortest chain. Cost:
 *   O(ancestors) + O(chain length x degree) per root, not O(roots x graph); each chain is made
 *   when asked for (a path every one of 700k roots keeps has 700k chains, written one by one).
 */
import { EDGE_NAMES, reverseKeepEdges } from '../graph/keepEdges.js';
import type { EdgeKindName, KeepEdges } from '../graph/keepEdges.js';
import type { NodeTable } from '../liveness/nodeTable.js';
import type { Root } from '../roots/types.js';
import { compareBytes } from '../store/bytes.js';
import type { KeepSources } from './keepSources.js';

export interface ChainStep {
  readonly from: string;
  readonly to: string;
  readonly edge: EdgeKindName;
}

export interface Chain {
  readonly root: Root;
  /** The node the steps start from: the root's path, or for a temp root a path sharing its hash part. */
  readonly start: string;
  readonly steps: readonly ChainStep[];
}

/** Chains made one at a time, when asked for (report/lazyRows.ts Items). */
export interface Chains {
  readonly length: number;
  at(index: number): Chain | undefined;
}

export interface KeepWorld {
  readonly nodes: NodeTable;
  readonly edges: KeepEdges;
  readonly sources: KeepSources;
}

/** Forward BFS parents from all sources: parent node and the edge index into edges.csr.list. */
export interface ShortestParents {
  /** -1: unreached; -2: a source; else the parent node id. */
  readonly parent: Int32Array;
  /** The edge (index into csr.list) from parent to node. */
  readonly via: Int32Array;
}

export function shortestParents(world: KeepWorld): ShortestParents {
  const { nodes, edges, sources } = world;
  const { start, list } = edges.csr;
  const validCount = start.length - 1;
  const n = nodes.size;
  const parent = new Int32Array(n).fill(-1);
  const via = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let tail = 0;
  for (const s of sources.nodes) {
    parent[s] = -2;
    queue[tail++] = s;
  }
  for (let head = 0; head < tail; head++) {
    const q = queue[head]!;
    if (q >= validCount) continue;
    for (let k = start[q]!; k < start[q + 1]!; k++) {
      const x = list[k]!;
      if (parent[x] === -1) {
        parent[x] = q;
        via[x] = k;
        queue[tail++] = x;
      }
    }
  }
  return { parent, via };
}

/** The shortest chain to `id` from any source, or null when nothing keeps it. */
export function shortestChain(world: KeepWorld, parents: ShortestParents, id: number): Chain | null {
  if (parents.parent[id] === -1) return null;
  const path: number[] = [];
  const kinds: number[] = [];
  let x = id;
  while (parents.parent[x] !== -2) {
    path.push(x);
    kinds.push(world.edges.kind[parents.via[x]!]!);
    x = parents.parent[x]!;
  }
  path.push(x);
  path.reverse();
  kinds.reverse();
  return chainOf(world, world.sources.rootsOf.get(x)![0]!, path, kinds);
}

/**
 * For every root that keeps `id`, its own shortest chain: shortest first, then by root link (then
 * in the order of `sources`: source node ascending, then its roots' order). Empty when nothing
 * keeps it. Each chain is made when asked for.
 */
export function allChains(world: KeepWorld, reverse: KeepEdges, id: number): Chains {
  const { nodes, edges, sources } = world;
  const n = nodes.size;
  const validCount = edges.csr.start.length - 1;
  const dist = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let tail = 0;
  dist[id] = 0;
  queue[tail++] = id;
  for (let head = 0; head < tail; head++) {
    const q = queue[head]!;
    if (q >= validCount) continue;
    const { start, list } = reverse.csr;
    for (let k = start[q]!; k < start[q + 1]!; k++) {
      const x = list[k]!;
      if (dist[x] === -1) {
        dist[x] = dist[q]! + 1;
        queue[tail++] = x;
      }
    }
  }
  // Each (source, root) pair that keeps it, in sources' order, then sorted (stably).
  const from: number[] = [];
  const roots: Root[] = [];
  for (const s of sources.nodes) {
    if (dist[s] === -1) continue;
    for (const root of sources.rootsOf.get(s)!) {
      from.push(s);
      roots.push(root);
    }
  }
  const order = Array.from(from.keys()).sort((a, b) => dist[from[a]!]! - dist[from[b]!]! || compareBytes(roots[a]!.link, roots[b]!.link));
  const { start, list } = edges.csr;
  const chainAt = (k: number): Chain => {
    const s = from[order[k]!]!;
    const path = [s];
    const kinds: number[] = [];
    let x = s;
    while (x !== id) {
      let next = -1;
      for (let e = start[x]!; e < start[x + 1]!; e++) {
        if (dist[list[e]!] === dist[x]! - 1) {
          next = e;
          break;
        }
      }
      kinds.push(edges.kind[next]!);
      x = list[next]!;
      path.push(x);
    }
    return chainOf(world, roots[order[k]!]!, path, kinds);
  };
  return { length: order.length, at: (k) => (k >= 0 && k < order.length ? chainAt(k) : undefined) };
}

export { reverseKeepEdges };

function chainOf(world: KeepWorld, root: Root, path: readonly number[], kinds: readonly number[]): Chain {
  const name = (id: number): string => world.nodes.pathOf(id);
  const steps: ChainStep[] = [];
  for (let i = 0; i + 1 < path.length; i++) steps.push({ from: name(path[i]!), to: name(path[i + 1]!), edge: EDGE_NAMES[kinds[i]!]! });
  return { root, start: name(path[0]!), steps };
}
