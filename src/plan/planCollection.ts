/**
 * The collection plan: one complete value saying everything a GC run will do — what it deletes,
 * in an order that keeps the database consistent at every instant (referrers before
 * references, reference §8.2 topoSort), the byte budget, the roots it removes, and what it
 * keeps and why. Pure: dry runs render it (simulating the budget on disk), the collector
 * executes it and re-checks only what can change under it (temp roots, new referrers).
 */
import { buildCsr, rowOf } from '../graph/csr.js';
import { narSizeOf } from '../liveness/classify.js';
import type { Liveness } from '../liveness/classify.js';
import { ALIVE, DEAD } from '../liveness/markLive.js';
import { lruOrder } from '../policy/lruOrder.js';
import type { DeletionOrder } from '../policy/lruOrder.js';
import type { KeptByPolicy } from '../policy/keptByPolicy.js';

export interface PlanStep {
  readonly id: number;
  readonly path: string;
  /** Registered in ValidPaths: its row is removed before its files. */
  readonly valid: boolean;
  /** ValidPaths.id when valid. */
  readonly dbId: number;
  readonly narSize: number | null;
  /** --order lru: its effective last use (Unix seconds), which put it where it is. */
  readonly lastUse?: number;
}

/** A root the run removes, and where its outside target is looked at again right before. */
export interface RootRemoval {
  readonly link: string;
  /** The outside target's places (inside a chroot-style root and on the host). */
  readonly realTargets: readonly string[];
}

/** A path the plan (or, later, the run) keeps although it looked dead, and why. */
export interface Kept {
  readonly path: string;
  readonly reason: 'temp-root' | 'in-use' | 'closure-kept' | 'reference-cycle' | 'delete-failed';
  readonly detail?: string;
  /** delete-failed: the path's ValidPaths row was removed before its files failed to go. */
  readonly rowRemoved?: boolean;
}

export interface GcPlan {
  /** Store entries that do not parse as store paths (full paths): deleted first, no checks. */
  readonly junk: readonly string[];
  /** Dead store paths, every referrer before its references. */
  readonly steps: readonly PlanStep[];
  /** How `steps` are ordered beyond that: Nix's order, or least recently used first. */
  readonly order: DeletionOrder;
  /** Dead paths kept because a reference cycle makes them undeletable (Nix 2.8 aborts). */
  readonly blocked: readonly string[];
  /** Nix's --max-freed: the run stops after the path that takes the bytes freed past it. */
  readonly maxFreed: bigint;
  /** --ensure-free: the run stops before the next path once the file system has this much free. */
  readonly ensureFree?: { readonly bytes: bigint; readonly freeBefore: bigint } | undefined;
  /** Roots the run removes once deletion is done: stale `gcroots/auto` links. */
  readonly rootsToRemove: readonly RootRemoval[];
  /** What the plan keeps and why: requested paths still alive, reference cycles. */
  readonly kept: readonly Kept[];
  /** What the root-adding policies kept (the budget's share is known once the run stops). */
  readonly keptByPolicy: KeptByPolicy;
}

export interface PlanRequest {
  /** Basenames of junk entries, as full paths. */
  readonly junk: readonly string[];
  readonly maxFreed: bigint;
  readonly ensureFree?: { readonly bytes: bigint; readonly freeBefore: bigint } | undefined;
  readonly rootsToRemove: readonly RootRemoval[];
  /** Kept for reasons decided before planning (requested paths that are alive). */
  readonly kept: readonly Kept[];
  /**
   * --order lru: each dead node's last use (lastUseOf), indexed by node id; the steps then go
   * least recently used first. Absent: Nix's order.
   */
  readonly lastUse?: Float64Array | undefined;
  readonly keptByPolicy?: KeptByPolicy;
}

/** Dead and not alive (see planCollection): the nodes a plan may delete. */
function isDeadIn(liveness: Liveness, id: number): boolean {
  return (liveness.state[id]! & (DEAD | ALIVE)) === DEAD;
}

/** The nodes a plan may delete, for the reads the plan needs about them (--order lru). */
export function deadIds(liveness: Liveness): number[] {
  const ids: number[] = [];
  for (let id = 0; id < liveness.nodes.size; id++) if (isDeadIn(liveness, id)) ids.push(id);
  return ids;
}

/**
 * Dead means dead and not alive: in the §7.3 anomaly Nix may delete a derivation that a live
 * output still names as its deriver; storegc keeps it. `--max-freed 0` deletes nothing at all
 * (reference §8.3): the plan then has no junk and no steps, but still its roots to remove.
 */
export function planCollection(liveness: Liveness, request: PlanRequest): GcPlan {
  const order: DeletionOrder = request.lastUse === undefined ? 'nix' : 'lru';
  const base = { order, keptByPolicy: request.keptByPolicy ?? {}, maxFreed: request.maxFreed, ensureFree: request.ensureFree, rootsToRemove: request.rootsToRemove };
  if (request.maxFreed === 0n) return { ...base, junk: [], steps: [], blocked: [], kept: request.kept };
  const { junk } = request;
  const { nodes } = liveness;
  const refs = nodes.graph.references;
  const n = nodes.size;
  const isDead = (id: number): boolean => isDeadIn(liveness, id);
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
  const blockedPaths = kept.sort();
  // Nix 2.8 aborts on a reference cycle among dead paths; the plan keeps them and says so.
  const ordered = request.lastUse === undefined ? steps : leastRecentlyUsedFirst(steps, liveness, request.lastUse);
  return { ...base, junk: [...junk], steps: ordered, blocked: blockedPaths, kept: [...request.kept, ...blockedPaths.map((path) => ({ path, reason: 'reference-cycle' as const }))] };
}

/** The steps (in Nix's order, which breaks ties) reordered by lruOrder over their references. */
function leastRecentlyUsedFirst(steps: readonly PlanStep[], liveness: Liveness, lastUse: Float64Array): PlanStep[] {
  const { nodes } = liveness;
  const at = new Int32Array(nodes.size).fill(-1);
  steps.forEach((s, i) => (at[s.id] = i));
  const from: number[] = [];
  const to: number[] = [];
  steps.forEach((s, i) => {
    if (!s.valid) return;
    for (const r of rowOf(nodes.graph.references, s.id)) {
      if (at[r]! >= 0) {
        from.push(i);
        to.push(at[r]!);
      }
    }
  });
  const times = Float64Array.from(steps, (s) => lastUse[s.id]!);
  const { order, effective } = lruOrder(times, buildCsr(steps.length, Int32Array.from(from), Int32Array.from(to), from.length));
  return Array.from(order, (i) => ({ ...steps[i]!, lastUse: effective[i]! }));
}

const EMPTY = new Int32Array(0);
