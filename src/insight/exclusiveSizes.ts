/**
 * Exclusive sizes of root rows and groups: what removing one root (or one group) alone, then
 * collecting, frees. Pure.
 *
 * In the graph super-root -> groups -> rows -> target paths -> keep edges (rootSizes.ts), that
 * is the row's (group's) subtree of the dominator tree. Only rows and groups are asked for, so
 * no dominator tree is built: each path goes to its deepest dominator among the super-root,
 * groups and rows, its owner. For a path whose parents (rows, or paths) are known, that is the
 * nearest common ancestor of the parents' owners in the three-level tree super-root -> groups ->
 * rows (a row owns itself): every row or group that dominates all the parents dominates the
 * path, and no other. All paths of a cycle share the owner of the cycle's parents outside it. So
 * one pass in topological rank (graphOrder.ts), components first reached from their parents,
 * pushes owners along the edges. A row's exclusive set is what it owns; a group's, what it owns
 * and what its rows own.
 *
 * Disk bytes: a path's own blocks go with it; an inode with several links (an optimised store's
 * `.links`) goes to the nearest common owner of its holders, freed only when all of them are:
 * to the super-root (nobody's) when one of them is not alive, or when they have no common row
 * or group. Paths no root reaches (dead) are nobody's.
 */
import type { Csr } from '../graph/csr.js';
import { sizesOf } from './closureSizes.js';
import type { GraphOrder } from './graphOrder.js';
import type { DiskUsage, Sizes } from './rootSizes.js';

export interface ExclusiveInput {
  /** The keep graph over the valid paths, and its order (over nodeCount nodes). */
  readonly succ: Csr;
  readonly order: GraphOrder;
  readonly nodeCount: number;
  /** Target paths of each row, and each row's group. */
  readonly rowTargets: Csr;
  readonly groupIndex: Int32Array;
  readonly groupCount: number;
  /** narSize of each node (0 when unknown). */
  readonly nar: Float64Array;
}

const NOBODY = -1;
const SUPER = 0;

export function exclusiveSizes(input: ExclusiveInput, disk: DiskUsage): { rows: Sizes[]; groups: Sizes[] } {
  const sums = exclusiveSums(input, disk);
  return { rows: sizesOf(sums.rows), groups: sizesOf(sums.groups) };
}

/** exclusiveSizes as paths, narSize and disk bytes of row or group i at 3i .. 3i+2: typed, to hand between threads. */
export function exclusiveSums(input: ExclusiveInput, disk: DiskUsage): { rows: Float64Array; groups: Float64Array } {
  const { succ, order, nodeCount, rowTargets, groupIndex, groupCount: G, nar } = input;
  const { rank, component } = order;
  const L = groupIndex.length;
  const validCount = succ.start.length - 1;
  // Owners: SUPER, 1 + g for group g, 1 + G + i for row i; NOBODY when not reached.
  const nearest = (a: number, b: number): number => {
    if (a === b || b === NOBODY) return a;
    if (a === NOBODY) return b;
    const ga = a > G ? 1 + groupIndex[a - 1 - G]! : a;
    const gb = b > G ? 1 + groupIndex[b - 1 - G]! : b;
    return ga === gb ? ga : SUPER;
  };
  const owner = new Int32Array(order.componentCount).fill(NOBODY);
  for (let i = 0; i < L; i++) {
    for (let k = rowTargets.start[i]!; k < rowTargets.start[i + 1]!; k++) {
      const c = component[rowTargets.list[k]!]!;
      owner[c] = nearest(owner[c]!, 1 + G + i);
    }
  }
  const byRank = new Int32Array(nodeCount);
  for (let v = 0; v < nodeCount; v++) byRank[rank[v]!] = v;
  for (let r = 0; r < nodeCount; r++) {
    const v = byRank[r]!;
    const c = component[v]!;
    const o = owner[c]!;
    if (o === NOBODY || v >= validCount) continue;
    for (let k = succ.start[v]!; k < succ.start[v + 1]!; k++) {
      const d = component[succ.list[k]!]!;
      if (d !== c) owner[d] = nearest(owner[d]!, o);
    }
  }

  const slots = 1 + G + L;
  const paths = new Float64Array(slots);
  const narSize = new Float64Array(slots);
  const bytes = new Float64Array(slots);
  for (let v = 0; v < nodeCount; v++) {
    const o = owner[component[v]!]!;
    if (o === NOBODY) continue;
    paths[o]!++;
    narSize[o]! += nar[v]!;
    bytes[o]! += disk.own[v] ?? 0;
  }
  for (const inode of disk.shared) {
    let at = NOBODY;
    for (const h of inode.holders) {
      const o = owner[component[h]!]!;
      if (o === NOBODY) {
        at = SUPER;
        break;
      }
      at = nearest(at, o);
    }
    bytes[at === NOBODY ? SUPER : at]! += inode.bytes;
  }
  // A group's subtree holds its rows'.
  for (let i = 0; i < L; i++) {
    const row = 1 + G + i;
    const group = 1 + groupIndex[i]!;
    paths[group]! += paths[row]!;
    narSize[group]! += narSize[row]!;
    bytes[group]! += bytes[row]!;
  }
  const sums = (from: number, count: number): Float64Array => {
    const out = new Float64Array(3 * count);
    for (let i = 0; i < count; i++) {
      out[3 * i] = paths[from + i]!;
      out[3 * i + 1] = narSize[from + i]!;
      out[3 * i + 2] = bytes[from + i]!;
    }
    return out;
  };
  return { rows: sums(1 + G, L), groups: sums(1, G) };
}
