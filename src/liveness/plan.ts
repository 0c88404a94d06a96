/**
 * The collection plan: what a GC run deletes, in an order that keeps the database consistent
 * at every instant (referrers before references, reference §8.2 topoSort). Pure: dry runs
 * render it, the collector executes it.
 */
import { rowOf } from '../graph/csr.js';
import { narSizeOf } from './classify.js';
import type { Liveness } from './classify.js';
import { ALIVE, DEAD } from './markLive.js';

export interface PlanStep {
  readonly id: number;
  readonly path: string;
  /** Registered in ValidPaths: its row is removed before its files. */
  readonly valid: boolean;
  /** ValidPaths.id when valid. */
  readonly dbId: number;
  readonly narSize: number | null;
}

export interface GcPlan {
  /** Store entries that do not parse as store paths (full paths): deleted first, no checks. */
  readonly junk: readonly string[];
  /** Dead store paths, every referrer before its references. */
  readonly steps: readonly PlanStep[];
  /** Dead paths kept because a reference cycle makes them undeletable (Nix 2.8 aborts). */
  readonly blocked: readonly string[];
}

/**
 * Dead means dead and not alive: in the §7.3 anomaly Nix may delete a derivation that a live
 * output still names as its deriver; storegc keeps it.
 */
export function planCollection(liveness: Liveness, junk: readonly string[]): GcPlan {
  const { nodes, state } = liveness;
  const refs = nodes.graph.references;
  const n = nodes.size;
  const isDead = (id: number): boolean => (state[id]! & (DEAD | ALIVE)) === DEAD;
  const color = new Uint8Array(n); // 0 unvisited, 1 on the DFS stack, 2 done
  const blocked = new Uint8Array(n);
  const postOrder: number[] = [];
  const stack: number[] = [];
  const edge: number[] = [];

  for (let start = 0; start < n; start++) {
    if (!isDead(start) || color[start] !== 0) continue;
    stack.push(start);
    edge.push(0);
    color[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const row = nodes.isValid(top) ? rowOf(refs, top) : EMPTY;
      const k = edge[edge.length - 1]!;
      if (k < row.length) {
        edge[edge.length - 1] = k + 1;
        const next = row[k]!;
        if (!isDead(next)) continue;
        if (color[next] === 0) {
          color[next] = 1;
          stack.push(next);
          edge.push(0);
        } else if (color[next] === 1) {
          // A reference cycle: none of its members can lose its row first.
          for (let i = stack.indexOf(next); i < stack.length; i++) blocked[stack[i]!] = 1;
        }
      } else {
        color[top] = 2;
        postOrder.push(top);
        stack.pop();
        edge.pop();
      }
    }
  }

  const steps: PlanStep[] = [];
  const kept: string[] = [];
  for (let i = postOrder.length - 1; i >= 0; i--) {
    const id = postOrder[i]!;
    if (blocked[id]) {
      kept.push(nodes.pathOf(id));
      if (nodes.isValid(id)) for (const r of rowOf(refs, id)) blocked[r] = 1;
      continue;
    }
    const valid = nodes.isValid(id);
    steps.push({ id, path: nodes.pathOf(id), valid, dbId: valid ? nodes.graph.dbIds[id]! : 0, narSize: narSizeOf(nodes, id) });
  }
  return { junk: [...junk], steps, blocked: kept.sort() };
}

const EMPTY = new Int32Array(0);
