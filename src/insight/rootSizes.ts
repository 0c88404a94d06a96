/**
 * Closure and exclusive sizes of roots and groups (issue 10). Pure.
 *
 * The graph is super-root -> groups -> root rows -> alive paths -> keep edges (§7.2); a root row
 * points at the alive nodes it keeps (its path, or for a temp root every alive node sharing its
 * hash part: src/insight/keepSources.ts). The exclusive set of a row or group is its dominator
 * subtree: exactly the paths that no longer have a way in from the super-root once it is gone,
 * i.e. what a collection frees after removing that root (or group) alone
 * (src/insight/exclusiveSizes.ts). Its closure is its forward reachable set
 * (src/insight/closureSizes.ts). Each starts from a DFS of the keep graph (graphOrder.ts).
 *
 * planRootSizes gathers what the sizes need as typed arrays; measureSizes (on the disk thread in
 * rootSizesOf) orders the graph once and makes both kinds of sums from it.
 *
 * Disk bytes: each path's own blocks (`own`), plus inodes with several hard links (`shared`; an
 * optimised store links files into `.links`), counted once per closure, and for exclusive sizes
 * where deleting frees them (when all their holders go). Callers measure alive paths only: dead
 * holders are deleted by the same collection anyway.
 */
import type { KeepEdges } from '../graph/keepEdges.js';
import type { NodeTable } from '../liveness/nodeTable.js';
import type { Root } from '../roots/types.js';
import type { Csr } from '../graph/csr.js';
import { closureSums, sizesOf } from './closureSizes.js';
import { exclusiveSums } from './exclusiveSizes.js';
import { extendOrder, orderGraph } from './graphOrder.js';
import type { GraphOrder } from './graphOrder.js';
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
  /** The root rows: each (link, path) pair once. */
  readonly roots: readonly Root[];
  /** Group of each root row, and the number of groups. */
  readonly groupIndex: Int32Array;
  readonly groupCount: number;
}

/** Sizes of every root row and group (in the order given). */
export interface RootSizes {
  readonly exclusiveRoots: readonly Sizes[];
  readonly exclusiveGroups: readonly Sizes[];
  /** Closures (closureSizes.ts: all of them cost about what one does, on stores whose closures nest). */
  readonly closureRoots: readonly Sizes[];
  readonly closureGroups: readonly Sizes[];
}

/** All of it in this thread (rootSizesOf hands the work to the disk thread). */
export function computeRootSizes(input: RootSizesInput & { readonly disk: DiskUsage }): RootSizes {
  const job = planRootSizes(input);
  return sizesFrom(input.roots.length, measureSizes(job, input.disk));
}

/** What measureSizes needs: typed arrays only, to hand to another thread. */
export interface SizesJob {
  /** The keep graph over the valid paths; the nodes are nodeCount (unregistered ones too). */
  readonly succ: Csr;
  readonly nodeCount: number;
  /** The closures to measure (closureSums): the rows' targets (keepSources.ts), then each group's. */
  readonly starts: Csr;
  /** Target paths of each row, each row's group, the number of groups (exclusiveSizes.ts). */
  readonly rowTargets: Csr;
  readonly groupIndex: Int32Array;
  readonly groupCount: number;
  /** narSize of each node, 0 when unknown. */
  readonly nar: Float64Array;
}

/** Exclusive sums of the rows then the groups, and the closure sums of the starts (3 numbers each). */
export interface SizeSums {
  readonly exclusiveRows: Float64Array;
  readonly exclusiveGroups: Float64Array;
  readonly closures: Float64Array;
}

export function planRootSizes(input: RootSizesInput): SizesJob {
  const { nodes, edges, sources, roots, groupIndex, groupCount: G } = input;
  const L = roots.length;
  const nodeCount = nodes.size;
  const validCount = edges.csr.start.length - 1;
  const rowTargets = sources.targets;
  const groupStart = new Uint32Array(G + 1);
  for (let i = 0; i < L; i++) groupStart[groupIndex[i]! + 1]! += rowTargets.start[i + 1]! - rowTargets.start[i]!;
  for (let g = 0; g < G; g++) groupStart[g + 1]! += groupStart[g]!;
  const start = new Uint32Array(L + G + 1);
  const list = new Int32Array(2 * rowTargets.list.length);
  start.set(rowTargets.start);
  list.set(rowTargets.list);
  for (let g = 0; g < G; g++) start[L + g + 1] = rowTargets.list.length + groupStart[g + 1]!;
  const fill = start.slice(L, L + G);
  for (let i = 0; i < L; i++) {
    const g = groupIndex[i]!;
    for (let k = rowTargets.start[i]!; k < rowTargets.start[i + 1]!; k++) list[fill[g]!++] = rowTargets.list[k]!;
  }
  const nar = new Float64Array(nodeCount);
  for (let p = 0; p < validCount; p++) {
    const size = nodes.graph.narSize[p]!;
    nar[p] = Number.isNaN(size) ? 0 : size;
  }
  return { succ: edges.csr, nodeCount, starts: { start, list }, rowTargets, groupIndex, groupCount: G, nar };
}

/**
 * Exclusive and closure sums over `disk` (of the alive nodes: aliveOnly), on one order of the
 * graph (graphOrder.ts) for both.
 * @param early orderGraph of `job.succ` over its rows alone, made before the node count was known.
 */
export function measureSizes(job: SizesJob, disk: DiskUsage, early?: GraphOrder): SizeSums {
  const { succ, nodeCount, nar } = job;
  const order = (early === undefined ? undefined : extendOrder(early, succ, nodeCount)) ?? orderGraph(succ, nodeCount);
  const exclusive = exclusiveSums({ succ, order, nodeCount, rowTargets: job.rowTargets, groupIndex: job.groupIndex, groupCount: job.groupCount, nar }, disk);
  return { exclusiveRows: exclusive.rows, exclusiveGroups: exclusive.groups, closures: closureSums(succ, nodeCount, job.starts, nar, disk, order.rank) };
}

/** The sizes of the `rows` root rows and the groups, from measureSizes. */
export function sizesFrom(rows: number, sums: SizeSums): RootSizes {
  const closures = sizesOf(sums.closures);
  return { exclusiveRoots: sizesOf(sums.exclusiveRows), exclusiveGroups: sizesOf(sums.exclusiveGroups), closureRoots: closures.slice(0, rows), closureGroups: closures.slice(rows) };
}

/**
 * The disk usage of the alive nodes only (the disk thread measured every valid path): a dead
 * holder of an inode is deleted by the same collection, so it neither pins the inode nor counts.
 */
export function aliveOnly(disk: DiskUsage, alive: Uint8Array): DiskUsage {
  const own = disk.own.map((bytes, id) => (alive[id] === 1 ? bytes : 0));
  const shared = disk.shared.map((inode) => ({ bytes: inode.bytes, holders: inode.holders.filter((h) => alive[h] === 1) })).filter((inode) => inode.holders.length > 0);
  return { own, shared };
}
