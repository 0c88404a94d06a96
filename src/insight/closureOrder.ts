/**
 * What closureSizes.ts's walk runs on (pure): starts as nodes, the nodes they reach, and for each
 * such node how many of its children must be measured before it and which parents wait on it.
 *
 * A start of one target is that node; a start of several targets (or none) gets an extra node,
 * id nodeCount + j, pointing at them. A node waits only on its children of higher topological
 * rank (topologicalRank.ts): those edges have no cycle, so every reached node's count drops to
 * zero once. Edges that close a cycle are still followed when the walk measures a closure.
 */
import type { Csr } from '../graph/csr.js';
import { topologicalRank } from './topologicalRank.js';

export interface ClosureOrder {
  /** Node of each start. */
  readonly startNode: Int32Array;
  /** Targets of extra node nodeCount + j: list[start[j] .. start[j+1]). */
  readonly targets: Csr;
  /** Per node (extra nodes too): children it waits on; -1 when no start reaches it. */
  readonly waiting: Int32Array;
  /** Per node: the reached parents that wait on it. */
  readonly waiters: Csr;
  /** Reached nodes that wait on nothing, where the walk begins. */
  readonly first: Int32Array;
}

export function closureOrder(succ: Csr, nodeCount: number, starts: readonly (readonly number[])[]): ClosureOrder {
  const validCount = succ.start.length - 1;
  const startNode = new Int32Array(starts.length);
  const targetStart: number[] = [0];
  const targetList: number[] = [];
  starts.forEach((targets, i) => {
    if (targets.length === 1) {
      startNode[i] = targets[0]!;
      return;
    }
    startNode[i] = nodeCount + targetStart.length - 1;
    for (const t of targets) targetList.push(t);
    targetStart.push(targetList.length);
  });
  const targets: Csr = { start: Uint32Array.from(targetStart), list: Int32Array.from(targetList) };
  const total = nodeCount + targetStart.length - 1;
  const rank = topologicalRank(succ, nodeCount);
  // Children a node waits on: all targets of an extra node, children of higher rank otherwise.
  const forEachWaited = (v: number, visit: (child: number) => void): void => {
    if (v >= nodeCount) {
      for (let k = targets.start[v - nodeCount]!; k < targets.start[v - nodeCount + 1]!; k++) visit(targets.list[k]!);
    } else if (v < validCount) {
      for (let k = succ.start[v]!; k < succ.start[v + 1]!; k++) if (rank[succ.list[k]!]! > rank[v]!) visit(succ.list[k]!);
    }
  };

  // Reached nodes: from the starts over every edge (cycles included).
  const waiting = new Int32Array(total).fill(-1);
  const reached = new Int32Array(total);
  let count = 0;
  const reach = (x: number): void => {
    if (waiting[x] === -1) {
      waiting[x] = 0;
      reached[count++] = x;
    }
  };
  for (const v of startNode) reach(v);
  for (let q = 0; q < count; q++) {
    const v = reached[q]!;
    if (v >= nodeCount) forEachWaited(v, reach);
    else if (v < validCount) for (let k = succ.start[v]!; k < succ.start[v + 1]!; k++) reach(succ.list[k]!);
  }
  // Waiters of each node, counted then filled (a parent listed once per edge, as it counts them).
  const waiterStart = new Uint32Array(total + 1);
  for (let q = 0; q < count; q++) {
    const v = reached[q]!;
    forEachWaited(v, (c) => {
      waiting[v]!++;
      waiterStart[c + 1]!++;
    });
  }
  for (let v = 0; v < total; v++) waiterStart[v + 1]! += waiterStart[v]!;
  const fill = waiterStart.slice(0, total);
  const waiterList = new Int32Array(waiterStart[total]!);
  for (let q = 0; q < count; q++) {
    const v = reached[q]!;
    forEachWaited(v, (c) => {
      waiterList[fill[c]!++] = v;
    });
  }
  const first = reached.subarray(0, count).filter((v) => waiting[v] === 0);
  return { startNode, targets, waiting, waiters: { start: waiterStart, list: waiterList }, first };
}
