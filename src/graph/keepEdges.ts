/**
 * The forward "keeps alive" graph of reference §7.2, built once as CSR: from each valid path,
 * (a) its references (self-references dropped), (b) with keep-outputs and a `.drv`, its valid
 * outputs from DerivationOutputs, (c) with keep-derivations, its valid deriver. A live path keeps
 * exactly its forward closure over these edges. Each edge carries its kind in `kind` (parallel to
 * `csr.list`). Duplicate targets in a row are kept once, with the first kind in (a)(b)(c) order.
 * Pure.
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

export function buildKeepEdges(graph: StoreGraph, options: KeepOptions): KeepEdges {
  const n = graph.paths.size;
  const { references, outputs, deriver, isDrv } = graph;
  // One pass, inline, into arrays as long as the edges can be (a million-path store has
  // millions of edges: no callback per edge, no counting pass).
  const bound = references.list.length + (options.keepOutputs ? outputs.list.length : 0) + (options.keepDerivations ? n : 0);
  const start = new Uint32Array(n + 1);
  const list = new Int32Array(bound);
  const kind = new Uint8Array(bound);
  const mark = new Int32Array(n).fill(-1);
  let at = 0;
  for (let q = 0; q < n; q++) {
    for (let k = references.start[q]!; k < references.start[q + 1]!; k++) {
      const to = references.list[k]!;
      if (to === q || mark[to] === q) continue;
      mark[to] = q;
      list[at] = to;
      kind[at++] = EDGE_REFERENCE;
    }
    if (options.keepOutputs && isDrv[q] === 1) {
      for (let k = outputs.start[q]!; k < outputs.start[q + 1]!; k++) {
        const to = outputs.list[k]!;
        if (to === q || mark[to] === q) continue;
        mark[to] = q;
        list[at] = to;
        kind[at++] = EDGE_KEEP_OUTPUTS;
      }
    }
    const d = options.keepDerivations ? deriver[q]! : -1;
    if (d >= 0 && d !== q && mark[d] !== q) {
      mark[d] = q;
      list[at] = d;
      kind[at++] = EDGE_KEEP_DERIVATIONS;
    }
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
