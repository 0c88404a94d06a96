/**
 * What closureSizes.ts's walk runs on (pure): starts as nodes, the nodes they reach, and for each
 * such node how many of its children must be measured before it and which parents wait on it.
 *
 * Nodes are renumbered by topological rank (graphOrder.ts), so that the walk's memory
 * accesses follow the order it goes in (about a quarter faster at 200k paths): everything here is
 * in those numbers. A start of one target is that node; a start of several targets (or none)
 * gets an extra node, id nodeCount + j, pointing at them. A node waits only on its children of
 * higher rank: those edges have no cycle, so every reached node's count drops to zero once.
 * Edges that close a cycle are still followed when the walk measures a closure.
 */
import type { Csr } from '../graph/csr.js';
import { orderGraph } from './graphOrder.js';

export interface ClosureOrder {
  /** Number of node v of the graph given; the graph in those numbers, with a row for every node. */
  readonly rank: Int32Array;
  readonly succ: Csr;
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

/**
 * @param starts the targets of start i: list[start[i] .. start[i+1]).
 * @param rank orderGraph's rank of the graph, when the caller has it.
 */
export function closureOrder(graph: Csr, nodeCount: number, starts: Csr, rank: Int32Array = orderGraph(graph, nodeCount).rank): ClosureOrder {
  const succ = renumbered(graph, nodeCount, rank);
  const ranked = { start: starts.start, list: starts.list.map((t) => rank[t]!) };
  const { targets, startNode } = extraNodes(nodeCount, ranked);
  const total = nodeCount + targets.start.length - 1;
  // The edges a node waits on, in one CSR over all nodes: to children of higher rank (higher
  // number), and from an extra node to its targets. Counted, then filled.
  const waitStart = new Uint32Array(total + 1);
  for (let v = 0; v < nodeCount; v++) {
    let count = 0;
    for (let k = succ.start[v]!; k < succ.start[v + 1]!; k++) if (succ.list[k]! > v) count++;
    waitStart[v + 1] = count;
  }
  for (let j = 0; j < total - nodeCount; j++) waitStart[nodeCount + j + 1] = targets.start[j + 1]! - targets.start[j]!;
  for (let v = 0; v < total; v++) waitStart[v + 1]! += waitStart[v]!;
  const waitList = new Int32Array(waitStart[total]!);
  for (let v = 0, at = 0; v < nodeCount; v++) {
    for (let k = succ.start[v]!; k < succ.start[v + 1]!; k++) if (succ.list[k]! > v) waitList[at++] = succ.list[k]!;
  }
  waitList.set(targets.list, waitStart[nodeCount]!);

  // Reached nodes: from the starts, breadth first.
  const waiting = new Int32Array(total).fill(-1);
  const reached = new Int32Array(total);
  let count = 0;
  for (const v of startNode) {
    if (waiting[v] === -1) {
      waiting[v] = 0;
      reached[count++] = v;
    }
  }
  for (let q = 0; q < count; q++) {
    const v = reached[q]!;
    // An extra node's edges are its targets; a path's, all its edges (cycles included).
    const extra = v >= nodeCount;
    const list = extra ? waitList : succ.list;
    const to = extra ? waitStart[v + 1]! : succ.start[v + 1]!;
    for (let k = extra ? waitStart[v]! : succ.start[v]!; k < to; k++) {
      const x = list[k]!;
      if (waiting[x] === -1) {
        waiting[x] = 0;
        reached[count++] = x;
      }
    }
  }
  // Waiters of each reached node (a parent once per edge, as it counts them), counted then filled.
  const waiterStart = new Uint32Array(total + 1);
  for (let q = 0; q < count; q++) {
    const v = reached[q]!;
    waiting[v] = waitStart[v + 1]! - waitStart[v]!;
    for (let k = waitStart[v]!; k < waitStart[v + 1]!; k++) waiterStart[waitList[k]! + 1]!++;
  }
  for (let v = 0; v < total; v++) waiterStart[v + 1]! += waiterStart[v]!;
  const fill = waiterStart.slice(0, total);
  const waiterList = new Int32Array(waiterStart[total]!);
  for (let q = 0; q < count; q++) {
    const v = reached[q]!;
    for (let k = waitStart[v]!; k < waitStart[v + 1]!; k++) waiterList[fill[waitList[k]!]!++] = v;
  }
  const first = reached.subarray(0, count).filter((v) => waiting[v] === 0);
  return { rank, succ, startNode, targets, waiting, waiters: { start: waiterStart, list: waiterList }, first };
}

/** The graph with node v numbered rank[v]; nodes past the CSR's end get empty rows. */
function renumbered(graph: Csr, nodeCount: number, rank: Int32Array): Csr {
  const validCount = graph.start.length - 1;
  const start = new Uint32Array(nodeCount + 1);
  for (let v = 0; v < validCount; v++) start[rank[v]! + 1] = graph.start[v + 1]! - graph.start[v]!;
  for (let r = 0; r < nodeCount; r++) start[r + 1]! += start[r]!;
  const list = new Int32Array(graph.list.length);
  for (let v = 0; v < validCount; v++) {
    let at = start[rank[v]!]!;
    for (let k = graph.start[v]!; k < graph.start[v + 1]!; k++) list[at++] = rank[graph.list[k]!]!;
  }
  return { start, list };
}

/** Node of each start; extra nodes (ids from nodeCount) for starts of other than one target. */
function extraNodes(nodeCount: number, starts: Csr): { targets: Csr; startNode: Int32Array } {
  const count = starts.start.length - 1;
  const startNode = new Int32Array(count);
  let extra = 0;
  let extraTargets = 0;
  for (let i = 0; i < count; i++) {
    const size = starts.start[i + 1]! - starts.start[i]!;
    if (size === 1) startNode[i] = starts.list[starts.start[i]!]!;
    else {
      startNode[i] = nodeCount + extra++;
      extraTargets += size;
    }
  }
  const start = new Uint32Array(extra + 1);
  const list = new Int32Array(extraTargets);
  for (let i = 0, j = 0; i < count; i++) {
    const size = starts.start[i + 1]! - starts.start[i]!;
    if (size === 1) continue;
    list.set(starts.list.subarray(starts.start[i]!, starts.start[i + 1]!), start[j]!);
    start[j + 1] = start[j]! + size;
    j++;
  }
  return { targets: { start, list }, startNode };
}
