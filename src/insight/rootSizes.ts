/**
 * Closure and exclusive sizes of roots and groups (issue 10). Pure.
 *
 * The graph is super-root -> groups -> root rows -> alive paths -> keep edges (§7.2); a root row
 * points at the alive nodes it keeps (its path, or for a temp root every alive node sharing its
 * hash part: src/insight/keepSources.ts). The exclusive set of a row or group is its dominator
 * subtree: exactly the paths that no longer have a way in from the super-root once it is gone,
 * i.e. what a collection frees after removing that root (or group) alone. Its closure is its
 * forward reachable set (src/insight/closureSizes.ts).
 *
 * Everything but the byte counts is known before the disk is measured: prepareRootSizes builds
 * the dominator tree and the closure order, and its `measure` adds the disk usage.
 *
 * Disk bytes: each path's own blocks (`own`), plus inodes with several hard links (`shared`; an
 * optimised store links files into `.links`). Such an inode is freed only when every path holding
 * it is deleted (and `.links` is pruned, which the collector does after deleting), so it is
 * attributed to the dominator-tree LCA of its holders: removing a row frees the inode iff all
 * holders lie in the row's subtree iff that LCA does. Subtree sums then count each inode exactly
 * once, where deletion frees it. Callers measure alive paths only: dead holders are deleted by the
 * same collection anyway. A holder given that the super-root does not reach pins the inode to the
 * super-root: no removal frees it.
 */
import type { KeepEdges } from '../graph/keepEdges.js';
import type { NodeTable } from '../liveness/nodeTable.js';
import type { Root } from '../roots/types.js';
import { closureOrder } from './closureOrder.js';
import { measureClosures } from './closureSizes.js';
import { dominatorTree } from './dominators.js';
import type { KeepSources } from './keepSources.js';

export interface DiskUsage {
  /** Bytes of each node that no other path shares (indexed by node id; 0 when not measured). */
  readonly own: Float64Array;
  /** Inodes with several links: bytes, and the node ids holding them. */
  readonly shared: readonly { readonly bytes: number; readonly holders: readonly number[] }[];
}

export interface Sizes {
  readonly paths: number;
  readonly narSize: number;
  readonly diskBytes: number;
}

export interface RootSizesInput {
  readonly nodes: NodeTable;
  readonly edges: KeepEdges;
  readonly sources: KeepSources;
  /** The root rows (as `roots` lists them). */
  readonly roots: readonly Root[];
  /** Group of each root row, and the number of groups. */
  readonly groupIndex: Int32Array;
  readonly groupCount: number;
}

/** Sizes of every root row and group (in the order given). */
export interface RootSizes {
  /** Exclusive: dominator subtrees (one tree for all). */
  readonly exclusiveRoots: readonly Sizes[];
  readonly exclusiveGroups: readonly Sizes[];
  /** Closures (closureSizes.ts: all of them cost about what one does, on stores whose closures nest). */
  readonly closureRoots: readonly Sizes[];
  readonly closureGroups: readonly Sizes[];
}

export function computeRootSizes(input: RootSizesInput & { readonly disk: DiskUsage }): RootSizes {
  return prepareRootSizes(input).measure(input.disk);
}

export function prepareRootSizes(input: RootSizesInput): { measure(disk: DiskUsage): RootSizes } {
  const { nodes, edges, sources, roots, groupIndex, groupCount } = input;
  const G = groupCount;
  const L = roots.length;
  const P0 = 1 + G + L;
  const n = P0 + nodes.size;
  const validCount = edges.csr.start.length - 1;

  // Targets of each root row (keepSources.ts); of a group, those of its rows, rows in order.
  const rowTargets = sources.targets;
  const groupStart = new Uint32Array(G + 1);
  const groupRowStart = new Uint32Array(G + 1);
  for (let i = 0; i < L; i++) {
    groupStart[groupIndex[i]! + 1]! += rowTargets.start[i + 1]! - rowTargets.start[i]!;
    groupRowStart[groupIndex[i]! + 1]!++;
  }
  for (let g = 0; g < G; g++) {
    groupStart[g + 1]! += groupStart[g]!;
    groupRowStart[g + 1]! += groupRowStart[g]!;
  }
  const groupRows = new Int32Array(L);
  const groupList = new Int32Array(groupStart[G]!);
  const rowFill = groupRowStart.slice(0, G);
  const targetFill = groupStart.slice(0, G);
  for (let i = 0; i < L; i++) {
    const g = groupIndex[i]!;
    groupRows[rowFill[g]!++] = i;
    for (let k = rowTargets.start[i]!; k < rowTargets.start[i + 1]!; k++) groupList[targetFill[g]!++] = rowTargets.list[k]!;
  }

  // The graph of the dominator tree, as CSR in node order: super-root -> groups -> rows ->
  // targets, then the keep edges of each path.
  const start = new Uint32Array(n + 1);
  const list = new Int32Array(G + L + rowTargets.list.length + edges.csr.list.length);
  let k = 0;
  for (let g = 0; g < G; g++) list[k++] = 1 + g;
  start[1] = k;
  for (let g = 0; g < G; g++) {
    for (let r = groupRowStart[g]!; r < groupRowStart[g + 1]!; r++) list[k++] = 1 + G + groupRows[r]!;
    start[2 + g] = k;
  }
  for (let i = 0; i < L; i++) {
    for (let t = rowTargets.start[i]!; t < rowTargets.start[i + 1]!; t++) list[k++] = P0 + rowTargets.list[t]!;
    start[1 + G + i + 1] = k;
  }
  const keepStart = edges.csr.start;
  const keepList = edges.csr.list;
  for (let e = 0; e < keepList.length; e++) list[k + e] = P0 + keepList[e]!;
  for (let p = 0; p < nodes.size; p++) start[P0 + p + 1] = k + keepStart[Math.min(p + 1, validCount)]!;
  const succ = { start, list };
  const { idom, preorder } = dominatorTree(succ, 0);
  const depth = new Int32Array(n);
  for (const v of preorder) if (v !== 0) depth[v] = depth[idom[v]!]! + 1;
  // Closures of the rows, then of the groups.
  const starts = { start: new Uint32Array(L + G + 1), list: new Int32Array(rowTargets.list.length + groupList.length) };
  starts.start.set(rowTargets.start);
  for (let g = 0; g < G; g++) starts.start[L + g + 1] = rowTargets.list.length + groupStart[g + 1]!;
  starts.list.set(rowTargets.list);
  starts.list.set(groupList, rowTargets.list.length);
  const order = closureOrder(edges.csr, nodes.size, starts);

  const nar = new Float64Array(nodes.size);
  for (let p = 0; p < nodes.size; p++) {
    const size = p < validCount ? nodes.graph.narSize[p]! : Number.NaN;
    nar[p] = Number.isNaN(size) ? 0 : size;
  }
  return {
    measure: (disk) => {
      const closures = measureClosures(order, nar, disk);
      const exclusive = exclusiveSizes({ idom, preorder, depth, P0, nar, disk });
      return {
        exclusiveRoots: roots.map((_, i) => exclusive(1 + G + i)),
        exclusiveGroups: Array.from({ length: G }, (_, g) => exclusive(1 + g)),
        closureRoots: closures.slice(0, L),
        closureGroups: closures.slice(L),
      };
    },
  };
}

interface Tree {
  readonly idom: Int32Array;
  readonly preorder: Int32Array;
  readonly depth: Int32Array;
  /** Node of path p is P0 + p. */
  readonly P0: number;
  readonly nar: Float64Array;
  readonly disk: DiskUsage;
}

/** Subtree sums of the dominator tree: paths, narSize, and disk bytes with shared inodes at their holders' LCA. */
function exclusiveSizes(tree: Tree): (v: number) => Sizes {
  const { idom, preorder, depth, P0, nar, disk } = tree;
  const n = idom.length;
  const count = new Float64Array(n);
  const narSize = new Float64Array(n);
  const bytes = new Float64Array(n);
  for (let p = 0; p < nar.length; p++) {
    count[P0 + p] = 1;
    narSize[P0 + p] = nar[p]!;
    bytes[P0 + p] = disk.own[p] ?? 0;
  }
  const lca = (a: number, b: number): number => {
    while (depth[a]! > depth[b]!) a = idom[a]!;
    while (depth[b]! > depth[a]!) b = idom[b]!;
    while (a !== b) {
      a = idom[a]!;
      b = idom[b]!;
    }
    return a;
  };
  for (const inode of disk.shared) {
    let at = -1;
    for (const h of inode.holders) {
      const v = P0 + h;
      if (idom[v] === -1) {
        at = 0;
        break;
      }
      at = at === -1 ? v : lca(at, v);
    }
    bytes[at === -1 ? 0 : at]! += inode.bytes;
  }
  for (let i = preorder.length - 1; i > 0; i--) {
    const v = preorder[i]!;
    const d = idom[v]!;
    count[d]! += count[v]!;
    narSize[d]! += narSize[v]!;
    bytes[d]! += bytes[v]!;
  }
  return (v) => ({ paths: count[v]!, narSize: narSize[v]!, diskBytes: bytes[v]! });
}
