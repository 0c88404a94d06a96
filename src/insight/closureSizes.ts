/**
 * Closure sizes of many starts at once: paths, narSize and disk bytes of the forward reachable
 * set of each start (a set of nodes), shared inodes counted once per closure. Pure.
 *
 * A BFS per start costs the sum of all closures, which for hundreds of thousands of roots with
 * big closures is far too much. Here starts go 32 at a time, as bits: each node collects the mask
 * of the starts that reach it, propagated in an order that is topological on acyclic parts
 * (reverse DFS postorder, a min-heap keyed by it), so each node is usually visited once per batch;
 * the keep-* edges may close cycles, where a node that gains bits later is simply visited again.
 * Then each node adds its sizes to the starts in its mask.
 */
import type { Csr } from '../graph/csr.js';
import type { DiskUsage, Sizes } from './rootSizes.js';

export function closureSizes(succ: Csr, nodeCount: number, starts: readonly (readonly number[])[], nar: Float64Array, disk: DiskUsage): Sizes[] {
  const validCount = succ.start.length - 1;
  const order = topologicalRank(succ, nodeCount);
  const inodesOf = inodesByNode(disk, nodeCount);
  const mask = new Int32Array(nodeCount);
  const touched = new Uint32Array(nodeCount);
  const touchedList = new Int32Array(nodeCount);
  const inodeMask = new Int32Array(disk.shared.length);
  const inodeTouched: number[] = [];
  const heap = new MinHeap(nodeCount, order);
  const out: Sizes[] = new Array<Sizes>(starts.length);
  let stamp = 0;
  // Starts close in topological order tend to share their closures: batching them together keeps
  // each batch's union, and so its cost, small.
  const rankOf = (targets: readonly number[]): number => targets.reduce((r, t) => Math.min(r, order[t]!), nodeCount);
  const sorted = starts.map((targets, i) => ({ i, rank: rankOf(targets) })).sort((a, b) => a.rank - b.rank).map((s) => s.i);

  for (let first = 0; first < sorted.length; first += 32) {
    const which = sorted.slice(first, first + 32);
    const batch = which.map((i) => starts[i]!);
    const paths = new Float64Array(batch.length);
    const narSize = new Float64Array(batch.length);
    const diskBytes = new Float64Array(batch.length);
    stamp++;
    let touchedCount = 0;
    batch.forEach((targets, b) => {
      for (const t of targets) {
        mask[t]! |= 1 << b;
        heap.push(t);
      }
    });
    while (heap.size > 0) {
      const x = heap.pop();
      if (touched[x] !== stamp) {
        touched[x] = stamp;
        touchedList[touchedCount++] = x;
      }
      if (x >= validCount) continue;
      const m = mask[x]!;
      for (let k = succ.start[x]!; k < succ.start[x + 1]!; k++) {
        const y = succ.list[k]!;
        const next = mask[y]! | m;
        if (next !== mask[y]) {
          mask[y] = next;
          heap.push(y);
        }
      }
    }
    for (let i = 0; i < touchedCount; i++) {
      const x = touchedList[i]!;
      const m = mask[x]!;
      const own = disk.own[x] ?? 0;
      for (let bits = m; bits !== 0; bits &= bits - 1) {
        const b = 31 - Math.clz32(bits & -bits);
        paths[b]!++;
        narSize[b]! += nar[x]!;
        diskBytes[b]! += own;
      }
      for (let k = inodesOf.start[x]!; k < inodesOf.start[x + 1]!; k++) {
        const inode = inodesOf.list[k]!;
        if (inodeMask[inode] === 0) inodeTouched.push(inode);
        inodeMask[inode]! |= m;
      }
      mask[x] = 0;
    }
    for (const inode of inodeTouched) {
      const bytes = disk.shared[inode]!.bytes;
      for (let bits = inodeMask[inode]!; bits !== 0; bits &= bits - 1) diskBytes[31 - Math.clz32(bits & -bits)]! += bytes;
      inodeMask[inode] = 0;
    }
    inodeTouched.length = 0;
    for (let b = 0; b < batch.length; b++) out[which[b]!] = { paths: paths[b]!, narSize: narSize[b]!, diskBytes: diskBytes[b]! };
  }
  return out;
}

/** Reverse postorder of a DFS over all nodes: on an acyclic graph, every edge goes to a higher rank. */
function topologicalRank(succ: Csr, nodeCount: number): Int32Array {
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

function inodesByNode(disk: DiskUsage, nodeCount: number): Csr {
  const start = new Uint32Array(nodeCount + 1);
  for (const inode of disk.shared) for (const h of inode.holders) start[h + 1]!++;
  for (let i = 0; i < nodeCount; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, nodeCount);
  const list = new Int32Array(start[nodeCount]!);
  disk.shared.forEach((inode, i) => {
    for (const h of inode.holders) list[fill[h]!++] = i;
  });
  return { start, list };
}

/** A binary min-heap of node ids keyed by `key`, each node at most once. */
class MinHeap {
  private readonly items: Int32Array;
  private readonly inHeap: Uint8Array;
  size = 0;

  constructor(capacity: number, private readonly key: Int32Array) {
    this.items = new Int32Array(capacity);
    this.inHeap = new Uint8Array(capacity);
  }

  push(x: number): void {
    if (this.inHeap[x]) return;
    this.inHeap[x] = 1;
    const { items, key } = this;
    let i = this.size++;
    const k = key[x]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (key[items[parent]!]! <= k) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = x;
  }

  pop(): number {
    const { items, key } = this;
    const top = items[0]!;
    this.inHeap[top] = 0;
    const last = items[--this.size]!;
    const k = key[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && key[items[child + 1]!]! < key[items[child]!]!) child++;
      if (key[items[child]!]! >= k) break;
      items[i] = items[child]!;
      i = child;
    }
    if (this.size > 0) items[i] = last;
    return top;
  }
}
