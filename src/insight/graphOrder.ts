/**
 * One DFS over a graph (Tarjan's, iterative, on typed arrays): a topological rank of every node,
 * reverse postorder, so that every edge goes to a higher rank unless it closes a cycle; and the
 * strongly connected component of every node. Along an edge between two components the rank
 * grows too, and every node of a component ranks above all the component's parents outside it.
 * Nodes at or past the CSR's end have no edges. Pure.
 */
import type { Csr } from '../graph/csr.js';

export interface GraphOrder {
  readonly rank: Int32Array;
  /** Component id of each node (ids in no particular order). */
  readonly component: Int32Array;
  readonly componentCount: number;
}

export function orderGraph(succ: Csr, nodeCount: number): GraphOrder {
  const validCount = succ.start.length - 1;
  const { start, list } = succ;
  const index = new Int32Array(nodeCount).fill(-1);
  const low = new Int32Array(nodeCount);
  const rank = new Int32Array(nodeCount);
  const component = new Int32Array(nodeCount).fill(-1);
  const callNode = new Int32Array(nodeCount);
  const callEdge = new Uint32Array(nodeCount);
  // Visited nodes not yet in a component, in visiting order (Tarjan's stack).
  const open = new Int32Array(nodeCount);
  let openTop = 0;
  let visited = 0;
  let nextRank = nodeCount;
  let components = 0;
  for (let root = 0; root < nodeCount; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = root < validCount ? start[root]! : 0;
    index[root] = visited;
    low[root] = visited++;
    open[openTop++] = root;
    while (depth >= 0) {
      const v = callNode[depth]!;
      const k = callEdge[depth]!;
      if (v < validCount && k < start[v + 1]!) {
        callEdge[depth] = k + 1;
        const w = list[k]!;
        if (index[w] === -1) {
          index[w] = visited;
          low[w] = visited++;
          open[openTop++] = w;
          depth++;
          callNode[depth] = w;
          callEdge[depth] = w < validCount ? start[w]! : 0;
        } else if (component[w] === -1 && index[w]! < low[v]!) {
          low[v] = index[w]!;
        }
        continue;
      }
      rank[v] = --nextRank;
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = open[--openTop]!;
          component[w] = components;
        } while (w !== v);
        components++;
      }
      depth--;
      if (depth >= 0) {
        const u = callNode[depth]!;
        if (low[v]! < low[u]!) low[u] = low[v]!;
      }
    }
  }
  return { rank, component, componentCount: components };
}

/**
 * orderGraph(succ, nodeCount) from orderGraph(succ, V) of the same CSR over its V rows, when no
 * edge leads past them (else undefined): the nodes past V have no edges either way, so the DFS
 * meets them last, one component each, and they take the lowest ranks in id order, every rank
 * above them moving up by their number. Lets the order be made before the store listing says
 * how many nodes there are.
 */
export function extendOrder(order: GraphOrder, succ: Csr, nodeCount: number): GraphOrder | undefined {
  const validCount = succ.start.length - 1;
  if (order.rank.length !== validCount || nodeCount < validCount) return undefined;
  for (const w of succ.list) if (w >= validCount) return undefined;
  const extra = nodeCount - validCount;
  const rank = new Int32Array(nodeCount);
  const component = new Int32Array(nodeCount);
  for (let v = 0; v < validCount; v++) {
    rank[v] = order.rank[v]! + extra;
    component[v] = order.component[v]!;
  }
  for (let v = validCount; v < nodeCount; v++) {
    rank[v] = nodeCount - 1 - v;
    component[v] = order.componentCount + v - validCount;
  }
  return { rank, component, componentCount: order.componentCount + extra };
}
