/**
 * Carries out a GC plan. The order of each batch is what makes a kill at any instant safe
 * (reference §10.7):
 *   1. let queued gc-socket messages in and re-read temproots/, so every temp root that exists
 *      now is known; skip (and keep the closure of) any planned path it protects;
 *   2. remove the batch's rows from ValidPaths in one transaction, referrers before references;
 *      a row still referenced fails its foreign key and is kept, with its closure;
 *   3. only then delete the files. A kill after 2 leaves unregistered entries, which are dead
 *      and which the next run deletes; a kill before 2 leaves everything registered and intact.
 */
import { rowOf } from '../graph/csr.js';
import type { Liveness } from '../liveness/classify.js';
import type { GcPlan, PlanStep } from '../liveness/plan.js';
import type { NixDbWriter } from '../store/nixDbWriter.js';
import { hashPartOf, isDerivation } from '../store/storePath.js';
import { deletePath } from './deletePath.js';
import { crashPoint } from './crashPoint.js';
import type { Emit } from './progress.js';

export interface ExecuteDeps {
  readonly db: NixDbWriter;
  readonly storeDir: string;
  readonly realStoreDir: string;
  /** Hash parts of all temp roots known so far; grows while we run. */
  readonly tempHashParts: ReadonlySet<string>;
  /** Lets socket clients in and re-reads temproots/ into `tempHashParts`. */
  readonly refreshTempRoots: () => Promise<void>;
  readonly emit: Emit;
}

export interface ExecuteOptions {
  readonly maxFreed: bigint;
  readonly batchSize: number;
  readonly keepOutputs: boolean;
  readonly keepDerivations: boolean;
}

export interface Skipped {
  readonly path: string;
  readonly reason: 'temp-root' | 'in-use' | 'closure-kept' | 'delete-failed';
  readonly detail?: string;
}

export interface ExecuteResult {
  /** Every entry deleted, in deletion order (junk included), as Nix counts them. */
  readonly deleted: string[];
  bytesFreed: number;
  readonly skipped: Skipped[];
  limitReached: boolean;
}

export async function executePlan(plan: GcPlan, liveness: Liveness, deps: ExecuteDeps, options: ExecuteOptions): Promise<ExecuteResult> {
  const result: ExecuteResult = { deleted: [], bytesFreed: 0, skipped: [], limitReached: false };
  const kept = new Uint8Array(liveness.nodes.size);
  const real = (path: string): string => deps.realStoreDir + path.slice(deps.storeDir.length);
  const rescue = keepClosure(liveness, kept, options);
  const overLimit = (): boolean => BigInt(result.bytesFreed) > options.maxFreed;

  const remove = (path: string): boolean => {
    try {
      result.bytesFreed += deletePath(real(path));
      result.deleted.push(path);
      return true;
    } catch (error) {
      // The row is already gone, so what is left is an unregistered entry the next run removes.
      result.skipped.push({ path, reason: 'delete-failed', detail: (error as Error).message });
      return false;
    }
  };

  for (const junk of plan.junk) {
    remove(junk);
    deps.emit({ type: 'progress', done: result.deleted.length, bytes: result.bytesFreed });
    if (overLimit()) return stop(result);
  }

  for (let i = 0; i < plan.steps.length; i += options.batchSize) {
    await deps.refreshTempRoots();
    const batch: PlanStep[] = [];
    for (const step of plan.steps.slice(i, i + options.batchSize)) {
      if (kept[step.id]) {
        result.skipped.push({ path: step.path, reason: 'closure-kept' });
      } else if (deps.tempHashParts.has(hashPartOf(deps.storeDir, step.path))) {
        rescue(step.id);
        result.skipped.push({ path: step.path, reason: 'temp-root' });
      } else {
        batch.push(step);
      }
    }
    crashPoint();
    const { inUse } = deps.db.invalidate(batch);
    crashPoint();
    const blocked = new Set(inUse);
    for (const step of batch) {
      if (blocked.has(step.path)) {
        rescue(step.id);
        result.skipped.push({ path: step.path, reason: 'in-use' });
        continue;
      }
      // Every row of this batch is gone: finish its files even past the limit, so that a
      // limited run leaves no unregistered leftovers.
      remove(step.path);
    }
    deps.emit({ type: 'progress', done: result.deleted.length, bytes: result.bytesFreed });
    if (overLimit()) return stop(result);
  }
  return result;
}

function stop(result: ExecuteResult): ExecuteResult {
  result.limitReached = true;
  return result;
}

/** Marks a path and its forward closure (references and keep-* edges, §7.2) as kept. */
function keepClosure(liveness: Liveness, kept: Uint8Array, options: ExecuteOptions): (id: number) => void {
  const { nodes } = liveness;
  const { graph } = nodes;
  return (start) => {
    const stack = [start];
    kept[start] = 1;
    while (stack.length > 0) {
      const q = stack.pop()!;
      if (!nodes.isValid(q)) continue;
      const next: number[] = [...rowOf(graph.references, q)];
      if (options.keepOutputs && isDerivation(graph.paths[q]!)) next.push(...rowOf(graph.outputs, q));
      if (options.keepDerivations && graph.deriver[q]! >= 0) next.push(graph.deriver[q]!);
      for (const x of next) {
        if (!kept[x]) {
          kept[x] = 1;
          stack.push(x);
        }
      }
    }
  };
}
