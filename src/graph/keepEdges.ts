/**
 * The forward "keeps alive" edges of reference §7.2, written once, here: from each valid path,
 * (a) its references, (b) with keep-outputs and a `.drv`, its valid outputs from
 * DerivationOutputs, (c) with keep-derivations, its valid deriver. A live path keeps exactly its
 * forward closure over these edges. `eachKeepEdge` is the rule; liveness (markLive.ts) and the
 * collector (executePlan.ts) walk it through `keepClosure`, over the graph's own rows (a CSR of
 * its own would be another 5.2M edges, 31 MB and 0.15 s at 1.3M paths, for every run);
 * `buildKeepEdges` makes it a CSR with each edge's kind for the insight commands, which walk it
 * both ways many times. Pure.
 */
import { buildCsr } from './csr.js';
import type { Csr } from './csr.js';
import type { StoreGraph } from './storeGraph.js';

export const EDGE_REFERENCE = 0;
export const EDGE_KEEP_OUTPUTS = 1;
export const EDGE_KEEP_DERIVATIONS = 2;

export type EdgeKindName = 'reference' | 'keep-outputs' | 'keep-derivations';
export const EDGE_NAMES: readonly EdgeKindName[] = ['reference', 'keep-outputs', 'keep-derivations'];

export interface KeepEdges {
  /** Over the graph's valid paths (ids 0 .. paths.length-1). */
  readonly csr: Csr;
  /** Edge kind of csr.list[k]: EDGE_REFERENCE, EDGE_KEEP_OUTPUTS or EDGE_KEEP_DERIVATIONS. */
  readonly kind: Uint8Array;
}

export interface KeepOptions {
  readonly keepOutputs: boolean;
  readonly keepDerivations: boolean;
}

export type EdgeKind = typeof EDGE_REFERENCE | typeof EDGE_KEEP_OUTPUTS | typeof EDGE_KEEP_DERIVATIONS;

/**
 * Calls `visit(to, kind)` for each keep-* edge out of valid path `q`, in (a)(b)(c) order, as the
 * graph's rows hold them: a self-reference or a target reached twice included (a walk passes over
 * what it has marked; the CSR drops them).
 */
export function eachKeepEdge(graph: StoreGraph, options: KeepOptions, q: number, visit: (to: number, kind: EdgeKind) => void): void {
  const { start, list } = graph.references;
  for (let k = start[q]!, end = start[q + 1]!; k < end; k++) visit(list[k]!, EDGE_REFERENCE);
  if (options.keepOutputs && graph.isDrv[q] === 1) {
    const outputs = graph.outputs;
    for (let k = outputs.start[q]!, end = outputs.start[q + 1]!; k < end; k++) visit(outputs.list[k]!, EDGE_KEEP_OUTPUTS);
  }
  if (options.keepDerivations) {
    const d = graph.deriver[q]!;
    if (d >= 0) visit(d, EDGE_KEEP_DERIVATIONS);
  }
}

/**
 * A marker of forward closures: `close(start)` gives `start` and every node its keep-* edges
 * reach the bits `set` in `marks`, entering no node that has `stop` already (its closure is
 * marked). `set` must include `stop`, so each node is entered once; a node that is not a valid
 * path (an id at or above the graph's paths) has no edges. One stack for all starts.
 */
export function keepClosure(graph: StoreGraph, options: KeepOptions, marks: Uint8Array, stop: number, set: number): (start: number) => void {
  if ((set & stop) === 0) throw new Error('keepClosure: the bits set must include the stop bit');
  const valid = graph.paths.size;
  const stack = new Int32Array(valid);
  let top = 0;
  const reach = (x: number): void => {
    if (!(marks[x]! & stop)) {
      marks[x]! |= set;
      stack[top++] = x;
    }
  };
  return (start) => {
    if (marks[start]! & stop) return;
    marks[start]! |= set;
    if (start >= valid) return;
    stack[top++] = start;
    while (top > 0) eachKeepEdge(graph, options, stack[--top]!, reach);
  };
}

/** The keep-* edges as CSR, each with its kind: a target twice in a row kept once, with its first kind; no self-edges. */
export function buildKeepEdges(graph: StoreGraph, options: KeepOptions): KeepEdges {
  const n = graph.paths.size;
  const { references, outputs } = graph;
  // Into arrays as long as the edges can be (a million-path store has millions of edges: no
  // counting pass).
  const bound = references.list.length + (options.keepOutputs ? outputs.list.length : 0) + (options.keepDerivations ? n : 0);
  const start = new Uint32Array(n + 1);
  const list = new Int32Array(bound);
  const kind = new Uint8Array(bound);
  const mark = new Int32Array(n).fill(-1);
  let at = 0;
  let q = 0;
  const add = (to: number, k: EdgeKind): void => {
    if (to === q || mark[to] === q) return;
    mark[to] = q;
    list[at] = to;
    kind[at++] = k;
  };
  for (; q < n; q++) {
    eachKeepEdge(graph, options, q, add);
    start[q + 1] = at;
  }
  return { csr: { start, list: list.subarray(0, at) }, kind: kind.subarray(0, at) };
}

/** The reverse graph: for each node, the nodes that keep it, with the kind of that edge. */
export function reverseKeepEdges(edges: KeepEdges): KeepEdges {
  const { start, list } = edges.csr;
  const n = start.length - 1;
  const from = new Int32Array(list.length);
  for (let q = 0; q < n; q++) from.fill(q, start[q]!, start[q + 1]!);
  const order = new Int32Array(list.length);
  for (let k = 0; k < order.length; k++) order[k] = k;
  // buildCsr places edges stably by source, so carrying edge indices keeps kinds aligned.
  const rev = buildCsr(n, list, order, list.length);
  const rkind = new Uint8Array(list.length);
  const rlist = new Int32Array(list.length);
  for (let k = 0; k < rev.list.length; k++) {
    const e = rev.list[k]!;
    rlist[k] = from[e]!;
    rkind[k] = edges.kind[e]!;
  }
  return { csr: { start: rev.start, list: rlist }, kind: rkind };
}
