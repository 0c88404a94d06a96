/**
 * Why `delete PATH` leaves a dead path undecided (reference §11, NixOS/nix#7488): the walk from
 * it over referrers (and keep-* edges, as markLive walks them) met a path that was not
 * requested. Pure: returns the first such path in the same breadth-first order, or undefined.
 */
import { rowOf } from '../graph/csr.js';
import type { NodeTable } from '../liveness/nodeTable.js';

export function blockingReferrer(nodes: NodeTable, start: number, requested: ReadonlySet<number>, keep: { keepOutputs: boolean; keepDerivations: boolean }): string | undefined {
  const { graph } = nodes;
  const seen = new Set<number>([start]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const p = queue[head]!;
    if (!requested.has(p)) return nodes.pathOf(p);
    if (!nodes.isValid(p)) continue;
    const next: number[] = [...rowOf(graph.referrers, p)];
    if (keep.keepDerivations && graph.isDrv[p] === 1) for (const o of rowOf(graph.outputs, p)) if (graph.deriver[o] === p) next.push(o);
    if (keep.keepOutputs) next.push(...rowOf(graph.derivers, p));
    for (const q of next) {
      if (!seen.has(q)) {
        seen.add(q);
        queue.push(q);
      }
    }
  }
  return undefined;
}
