/**
 * Immediate dominators of a directed graph from one root (Lengauer-Tarjan, the simple version
 * with path compression: O(m log n)), on typed arrays and without recursion, so that millions of
 * nodes and edges take a second or two. Pure.
 */
import type { Csr } from '../graph/csr.js';

export interface DominatorTree {
  /** Immediate dominator of each node; the root's is itself; -1 for nodes the root does not reach. */
  readonly idom: Int32Array;
  /** Reached nodes in DFS preorder: every node comes after its immediate dominator. */
  readonly preorder: Int32Array;
}

export function dominatorTree(succ: Csr, root: number): DominatorTree {
  const n = succ.start.length - 1;
  const { start, list } = succ;
  // 1. Iterative DFS: preorder numbers (pre), vertex by number, DFS-tree parent (by number).
  const pre = new Int32Array(n).fill(-1);
  const vertex = new Int32Array(n);
  const parent = new Int32Array(n);
  const stackNode = new Int32Array(n);
  const stackEdge = new Uint32Array(n);
  let count = 0;
  let top = 0;
  pre[root] = count;
  vertex[count] = root;
  parent[count++] = -1;
  stackNode[0] = root;
  stackEdge[0] = start[root]!;
  while (top >= 0) {
    const v = stackNode[top]!;
    const k = stackEdge[top]!;
    if (k < start[v + 1]!) {
      stackEdge[top] = k + 1;
      const w = list[k]!;
      if (pre[w] === -1) {
        pre[w] = count;
        vertex[count] = w;
        parent[count++] = pre[v]!;
        top++;
        stackNode[top] = w;
        stackEdge[top] = start[w]!;
      }
    } else {
      top--;
    }
  }

  // Predecessors of reached nodes, as preorder numbers, counted then filled in place.
  const predStart = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) {
    const v = vertex[i]!;
    for (let k = start[v]!; k < start[v + 1]!; k++) predStart[pre[list[k]!]! + 1]!++;
  }
  for (let i = 0; i < count; i++) predStart[i + 1]! += predStart[i]!;
  const fill = predStart.slice(0, count);
  const predList = new Int32Array(predStart[count]!);
  for (let i = 0; i < count; i++) {
    const v = vertex[i]!;
    for (let k = start[v]!; k < start[v + 1]!; k++) predList[fill[pre[list[k]!]!]!++] = i;
  }

  // 2. Semi-dominators and (relative) immediate dominators, all in preorder numbers.
  const semi = new Int32Array(count);
  const label = new Int32Array(count);
  const ancestor = new Int32Array(count).fill(-1);
  const idomP = new Int32Array(count);
  const bucketHead = new Int32Array(count).fill(-1);
  const bucketNext = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    semi[i] = i;
    label[i] = i;
  }
  const path = new Int32Array(count);
  const evaluate = (v: number): number => {
    if (ancestor[v] === -1) return v;
    let x = v;
    let depth = 0;
    while (ancestor[ancestor[x]!] !== -1) {
      path[depth++] = x;
      x = ancestor[x]!;
    }
    while (depth > 0) {
      const y = path[--depth]!;
      const a = ancestor[y]!;
      if (semi[label[a]!]! < semi[label[y]!]!) label[y] = label[a]!;
      ancestor[y] = ancestor[a]!;
    }
    return label[v]!;
  };
  for (let w = count - 1; w > 0; w--) {
    for (let k = predStart[w]!; k < predStart[w + 1]!; k++) {
      const u = evaluate(predList[k]!);
      if (semi[u]! < semi[w]!) semi[w] = semi[u]!;
    }
    const s = semi[w]!;
    bucketNext[w] = bucketHead[s]!;
    bucketHead[s] = w;
    const p = parent[w]!;
    ancestor[w] = p;
    for (let v = bucketHead[p]!; v !== -1; v = bucketNext[v]!) {
      const u = evaluate(v);
      idomP[v] = semi[u]! < semi[v]! ? u : p;
    }
    bucketHead[p] = -1;
  }
  idomP[0] = 0;
  for (let w = 1; w < count; w++) if (idomP[w] !== semi[w]) idomP[w] = idomP[idomP[w]!]!;

  const idom = new Int32Array(n).fill(-1);
  for (let i = 0; i < count; i++) idom[vertex[i]!] = vertex[idomP[i]!]!;
  return { idom, preorder: vertex.slice(0, count) };
}
