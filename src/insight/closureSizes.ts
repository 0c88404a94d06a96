/**
 * Closure sizes of many starts at once: paths, narSize and disk bytes of the forward reachable
 * set of each start (a set of nodes), shared inodes counted once per closure. Exact. Pure.
 *
 * One BFS per start costs the sum of all closures; on a Hydra store (hundreds of thousands of
 * roots whose closures are large and mostly the same paths) that sum is around 10^11. But a
 * node's closure holds the closure of each of its children: it is that of one child plus what
 * the node reaches beyond it. So one DFS measures every node the starts reach, each once,
 * keeping the closure of the node it is at as one membership byte per node. A node is measured
 * right after the last of its children (closureOrder.ts), from that child's closure: entering it
 * adds, by a BFS that stops at members, only what it reaches beyond that child; leaving it
 * removes exactly those, from a log, and goes back to the child. The cost is the sum of those
 * differences with their edges, small when closures nest as in Nix stores (about 20 paths a node
 * on the benchmark's stores, whose closures hold most of the store), whatever the order: the
 * order decides the cost, never the result.
 */
import type { Csr } from '../graph/csr.js';
import { closureOrder } from './closureOrder.js';
import type { ClosureOrder } from './closureOrder.js';
import type { DiskUsage, Sizes } from './rootSizes.js';

/** @param starts the targets of each start. */
export function closureSizes(succ: Csr, nodeCount: number, starts: readonly (readonly number[])[], nar: Float64Array, disk: DiskUsage): Sizes[] {
  const start = new Uint32Array(starts.length + 1);
  starts.forEach((targets, i) => {
    start[i + 1] = start[i]! + targets.length;
  });
  return sizesOf(closureSums(succ, nodeCount, { start, list: Int32Array.from(starts.flat()) }, nar, disk));
}

/**
 * Paths, narSize and disk bytes of the closure of each start, at 3i .. 3i+2: typed, to hand
 * between threads.
 * @param starts the targets of start i: list[start[i] .. start[i+1]).
 * @param rank orderGraph's rank of `succ`, when the caller has it.
 */
export function closureSums(succ: Csr, nodeCount: number, starts: Csr, nar: Float64Array, disk: DiskUsage, rank?: Int32Array): Float64Array {
  const order = closureOrder(succ, nodeCount, starts, rank);
  const slot = new Int32Array(order.waiting.length).fill(-1);
  order.startNode.forEach((v, i) => {
    if (slot[v] === -1) slot[v] = i;
  });
  const bySlot = walk(order, slot, order.startNode.length, nar, disk);
  const out = new Float64Array(3 * order.startNode.length);
  order.startNode.forEach((v, i) => out.set(bySlot.subarray(3 * slot[v]!, 3 * slot[v]! + 3), 3 * i));
  return out;
}

export function sizesOf(sums: Float64Array): Sizes[] {
  return Array.from({ length: sums.length / 3 }, (_, i) => ({ paths: sums[3 * i]!, narSize: sums[3 * i + 1]!, diskBytes: sums[3 * i + 2]! }));
}

/** Sums of the closure of each node with a slot, at 3 * slot .. 3 * slot + 2. */
function walk(order: ClosureOrder, slot: Int32Array, slots: number, nar: Float64Array, disk: DiskUsage): Float64Array {
  const { succ, rank, targets, waiters, first } = order;
  // Signed views of the offsets (edge counts stay far below 2^31): V8 keeps them in registers.
  const start = new Int32Array(succ.start.buffer, succ.start.byteOffset, succ.start.length);
  const list = succ.list;
  const nodeCount = start.length - 1;
  const waiterStart = new Int32Array(waiters.start.buffer, waiters.start.byteOffset, waiters.start.length);
  const waiterList = waiters.list;
  const waiting = order.waiting.slice();
  const total = waiting.length;
  // narSize and own disk bytes side by side: one cache line per node added.
  const weight = new Float64Array(2 * nodeCount);
  for (let x = 0; x < nodeCount; x++) {
    weight[2 * rank[x]!] = nar[x]!;
    weight[2 * rank[x]! + 1] = disk.own[x] ?? 0;
  }
  const sharing = disk.shared.length > 0;
  const inodes = inodesByNode(disk, rank);
  const inodeStart = new Int32Array(inodes.start.buffer, inodes.start.byteOffset, inodes.start.length);
  const inodeList = inodes.list;
  const inodeBytes = Float64Array.from(disk.shared, (inode) => inode.bytes);
  const holders = new Int32Array(disk.shared.length);
  const member = new Uint8Array(nodeCount);
  const log = new Int32Array(nodeCount);
  const out = new Float64Array(3 * slots);
  // The DFS: one frame per node entered and not yet left; the nodes waiting to be entered from a
  // frame's node are ready[readyFrom .. readyEnd), above them those of the frames on top of it.
  const ready = new Int32Array(total);
  const frameLog = new Int32Array(total);
  const frameReady = new Int32Array(total);
  const frameNext = new Int32Array(total);
  const frameEnd = new Int32Array(total);
  const frameSums = new Float64Array(3 * total);
  let readyLength = 0;
  let logLength = 0;
  let top = -1;
  let paths = 0;
  let narSize = 0;
  let diskBytes = 0;
  for (const origin of first) {
    let next = origin;
    for (;;) {
      if (next !== -1) {
        // Enter `next`: its node (or an extra node's targets), then a BFS that stops at members.
        const from = logLength;
        if (next < nodeCount) {
          if (member[next] === 0) {
            member[next] = 1;
            log[logLength++] = next;
          }
        } else {
          for (let k = targets.start[next - nodeCount]!; k < targets.start[next - nodeCount + 1]!; k++) {
            const t = targets.list[k]!;
            if (member[t] === 0) {
              member[t] = 1;
              log[logLength++] = t;
            }
          }
        }
        for (let q = from; q < logLength; q++) {
          const x = log[q]!;
          for (let k = start[x]!; k < start[x + 1]!; k++) {
            const y = list[k]!;
            if (member[y] === 0) {
              member[y] = 1;
              log[logLength++] = y;
            }
          }
        }
        for (let q = from; q < logLength; q++) {
          const x = log[q]!;
          narSize += weight[2 * x]!;
          diskBytes += weight[2 * x + 1]!;
          if (!sharing) continue;
          for (let k = inodeStart[x]!; k < inodeStart[x + 1]!; k++) {
            const inode = inodeList[k]!;
            if (holders[inode]!++ === 0) diskBytes += inodeBytes[inode]!;
          }
        }
        paths += logLength - from;
        const s = slot[next]!;
        if (s !== -1) {
          out[3 * s] = paths;
          out[3 * s + 1] = narSize;
          out[3 * s + 2] = diskBytes;
        }
        top++;
        frameLog[top] = from;
        frameReady[top] = readyLength;
        frameSums[3 * top] = paths;
        frameSums[3 * top + 1] = narSize;
        frameSums[3 * top + 2] = diskBytes;
        for (let k = waiterStart[next]!; k < waiterStart[next + 1]!; k++) {
          const p = waiterList[k]!;
          if (--waiting[p]! === 0) ready[readyLength++] = p;
        }
        frameNext[top] = frameReady[top]!;
        frameEnd[top] = readyLength;
        next = -1;
      }
      if (top < 0) break;
      if (frameNext[top]! < frameEnd[top]!) {
        next = ready[frameNext[top]!++]!;
        continue;
      }
      // Leave the top node: undo its additions; the sums go back to those of the frame below.
      const from = frameLog[top]!;
      while (logLength > from) {
        const x = log[--logLength]!;
        member[x] = 0;
        if (sharing) for (let k = inodeStart[x]!; k < inodeStart[x + 1]!; k++) holders[inodeList[k]!]!--;
      }
      readyLength = frameReady[top]!;
      top--;
      paths = top < 0 ? 0 : frameSums[3 * top]!;
      narSize = top < 0 ? 0 : frameSums[3 * top + 1]!;
      diskBytes = top < 0 ? 0 : frameSums[3 * top + 2]!;
    }
  }
  return out;
}

/** The shared inodes of each node (in rank numbers). */
function inodesByNode(disk: DiskUsage, rank: Int32Array): Csr {
  const nodeCount = rank.length;
  const start = new Uint32Array(nodeCount + 1);
  for (const inode of disk.shared) for (const h of inode.holders) start[rank[h]! + 1]!++;
  for (let i = 0; i < nodeCount; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, nodeCount);
  const list = new Int32Array(start[nodeCount]!);
  disk.shared.forEach((inode, i) => {
    for (const h of inode.holders) list[fill[rank[h]!]!++] = i;
  });
  return { start, list };
}
