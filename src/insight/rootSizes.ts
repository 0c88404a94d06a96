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
 * Disk bytes: each path's own blocks (`own`), plus inodes with several hard links (`shared`; an
 * optimised store links files into `.links`). Such an inode is freed only when every path holding
 * it is deleted (and `.links` is pruned, which the collector does after deleting), so it is
 * attributed to the dominator-tree LCA of its holders: removing a row frees the inode iff all
 * holders lie in the row's subtree iff that LCA does. Subtree sums then count each inode exactly
 * once, where deletion frees it. Callers measure alive paths only: dead holders are deleted by the
 * same collection anyway. A holder given that the super-root does not reach pins the inode to the
 * super-root: no removal frees it.
 */
import { buildCsr } from '../graph/csr.js';
import type { KeepEdges } from '../graph/keepEdges.js';
import type { NodeTable } from '../liveness/nodeTable.js';
import type { Root } from '../roots/types.js';
import { closureSizes } from './closureSizes.js';
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
  readonly disk: DiskUsage;
}

export interface RootSizes {
  /** Exclusive sizes of every root row and group (one dominator tree for all). */
  readonly exclusiveRoots: readonly Sizes[];
  readonly exclusiveGroups: readonly Sizes[];
  /**
   * Closure sizes of the given root rows and groups, in the order given (closureSizes.ts: all of
   * them at once costs about what one costs, on stores whose closures nest).
   */
  closures(rows: readonly number[], groups: readonly number[]): { roots: Sizes[]; groups: Sizes[] };
}

export function computeRootSizes(input: RootSizesInput): RootSizes {
  const { nodes, edges, sources, roots, groupIndex, groupCount, disk } = input;
  const G = groupCount;
  const L = roots.length;
  const P0 = 1 + G + L;
  const n = P0 + nodes.size;
  const validCount = edges.csr.start.length - 1;

  // Targets of each root row: the source nodes whose keepers include it.
  const rowOfRoot = new Map<Root, number>(roots.map((r, i) => [r, i]));
  const from: number[] = [];
  const to: number[] = [];
  for (let g = 0; g < G; g++) {
    from.push(0);
    to.push(1 + g);
  }
  for (let i = 0; i < L; i++) {
    from.push(1 + groupIndex[i]!);
    to.push(1 + G + i);
  }
  for (const s of sources.nodes) {
    for (const root of sources.rootsOf.get(s)!) {
      const i = rowOfRoot.get(root);
      if (i === undefined) continue;
      from.push(1 + G + i);
      to.push(P0 + s);
    }
  }
  const head = from.length;
  const m = head + edges.csr.list.length;
  const efrom = new Int32Array(m);
  const eto = new Int32Array(m);
  efrom.set(from);
  eto.set(to);
  for (let q = 0, k = head; q < validCount; q++) {
    for (let e = edges.csr.start[q]!; e < edges.csr.start[q + 1]!; e++, k++) {
      efrom[k] = P0 + q;
      eto[k] = P0 + edges.csr.list[e]!;
    }
  }
  const succ = buildCsr(n, efrom, eto, m);
  const { idom, preorder } = dominatorTree(succ, 0);

  const count = new Float64Array(n);
  const nar = new Float64Array(n);
  const bytes = new Float64Array(n);
  for (let p = 0; p < nodes.size; p++) {
    count[P0 + p] = 1;
    const size = p < validCount ? nodes.graph.narSize[p]! : Number.NaN;
    nar[P0 + p] = Number.isNaN(size) ? 0 : size;
    bytes[P0 + p] = disk.own[p] ?? 0;
  }
  const depth = new Int32Array(n);
  for (const v of preorder) if (v !== 0) depth[v] = depth[idom[v]!]! + 1;
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

  const exCount = count.slice();
  const exNar = nar.slice();
  const exBytes = bytes.slice();
  for (let i = preorder.length - 1; i > 0; i--) {
    const v = preorder[i]!;
    const d = idom[v]!;
    exCount[d]! += exCount[v]!;
    exNar[d]! += exNar[v]!;
    exBytes[d]! += exBytes[v]!;
  }
  const exclusive = (v: number): Sizes => ({ paths: exCount[v]!, narSize: exNar[v]!, diskBytes: exBytes[v]! });

  // Closures over the keep graph alone, from each row's (and group's) target paths.
  const targets: number[][] = Array.from({ length: L }, () => []);
  for (const s of sources.nodes) {
    for (const root of sources.rootsOf.get(s)!) {
      const i = rowOfRoot.get(root);
      if (i !== undefined) targets[i]!.push(s);
    }
  }
  const groupTargets: number[][] = Array.from({ length: G }, () => []);
  for (let i = 0; i < L; i++) groupTargets[groupIndex[i]!]!.push(...targets[i]!);
  return {
    exclusiveRoots: roots.map((_, i) => exclusive(1 + G + i)),
    exclusiveGroups: Array.from({ length: G }, (_, g) => exclusive(1 + g)),
    closures: (rows, groups) => {
      const sizes = closureSizes(edges.csr, nodes.size, [...rows.map((i) => targets[i]!), ...groups.map((g) => groupTargets[g]!)], nar.subarray(P0), disk);
      return { roots: sizes.slice(0, rows.length), groups: sizes.slice(rows.length) };
    },
  };
}
