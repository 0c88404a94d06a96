/**
 * A topological rank of every node: reverse postorder of a DFS over all nodes, so that on an
 * acyclic graph every edge goes to a higher rank (an edge to a lower or equal rank closes a
 * cycle). Nodes at or past the CSR's end have no edges. Iterative, on typed arrays. Pure.
 */
import type { Csr } from '../graph/csr.js';

export function topologicalRank(succ: Csr, nodeCount: number): Int32Array {
  const validCount = succ.start.length - 1;
  const rank = new Int32Array(nodeCount).fill(-1);
  const stackNode = new Int32Array(nodeCount);
  const stackEdge = new Uint32Array(nodeCount);
  let next = nodeCount;
  for (let root = 0; root < nodeCount; root++) {
    if (rank[root] !== -1) continue;
    let top = 0;
    stackNode[0] = root;
    stackEdge[0] = root < validCount ? succ.start[root]! : 0;
    rank[root] = -2;
    while (top >= 0) {
      const v = stackNode[top]!;
      const k = stackEdge[top]!;
      if (v < validCount && k < succ.start[v + 1]!) {
        stackEdge[top] = k + 1;
        const w = succ.list[k]!;
        if (rank[w] === -1) {
          rank[w] = -2;
          top++;
          stackNode[top] = w;
          stackEdge[top] = w < validCount ? succ.start[w]! : 0;
        }
      } else {
        rank[v] = --next;
        top--;
      }
    }
  }
  return rank;
}
