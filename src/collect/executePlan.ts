/**
 * Carries out a GC plan. The order of each batch is what makes a kill at any instant safe
 * (reference §10.7):
 *   1. let queued gc-socket messages in and re-read temproots/, so every temp root that exists
 *      now is known; skip (and keep the closure of) any planned path it protects;
 *   2. remove the batch's rows from ValidPaths in one transaction, referrers before references;
 *      a row still referenced fails its foreign key and is kept, with its closure;
 *   3. only then delete the files. A kill after 2 leaves unregistered entries, which are dead
 *      and which the next run deletes; a kill before 2 leaves everything registered and intact.
 * Files are deleted on a worker thread while the main thread removes the next batch's rows.
 * A batch's hash parts are pending from step 1 until its files are gone: a gc-socket client
 * asking for one of them is answered only then.
 * An interruption (SIGINT/SIGTERM) is honoured between batches: the batch in flight finishes,
 * rows and files, so the result says exactly what was deleted.
 */
import { keepClosure } from '../graph/keepEdges.js';
import type { Liveness } from '../liveness/classify.js';
import type { GcPlan, Kept, PlanStep } from '../plan/planCollection.js';
import type { NixDbWriter } from '../store/nixDbWriter.js';
import { hashPartOf } from '../store/storePath.js';
import { deletePathMeasured } from './deletePath.js';
import type { DeleteOutcome } from './deleteWorker.js';
import type { PendingDeletions } from './pending.js';
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
  readonly pending: PendingDeletions;
  /** Deletes files (of paths whose rows are gone) off the main thread; in order, one batch at a time. */
  readonly deleteFiles: (realPaths: readonly string[]) => Promise<DeleteOutcome[]>;
  readonly emit: Emit;
  /** True once the run should stop (SIGINT/SIGTERM): checked between batches only. */
  readonly interrupted: () => boolean;
  /** Free bytes on the store's file system now (statfs), for --ensure-free. */
  readonly freeBytes?: () => bigint | undefined;
}

export interface ExecuteOptions {
  readonly batchSize: number;
  readonly keepOutputs: boolean;
  readonly keepDerivations: boolean;
}

/** What the run kept of the plan's steps, and why (the same shape as the plan's own `kept`). */
export type Skipped = Kept;

export interface ExecuteResult {
  /** Every entry deleted, in deletion order (junk included), as Nix counts them. */
  readonly deleted: string[];
  bytesFreed: number;
  /** Disk blocks released (st_blocks * 512), counted with the same link rule as `bytesFreed`. */
  diskBytesFreed: number;
  /** Sum of the database's narSize over the deleted registered paths. */
  narSize: number;
  readonly skipped: Skipped[];
  limitReached: boolean;
  /** Stopped early because `interrupted()` said so. */
  interrupted: boolean;
  /** --ensure-free: the file system had the free space asked for when the run stopped. */
  targetMet: boolean;
  /**
   * Where the budget (--max-freed, --ensure-free) stopped the run: the index, in the plan's junk
   * then steps, of the first entry not reached; undefined when no budget stopped it.
   */
  budgetStop?: number;
}

export async function executePlan(plan: GcPlan, liveness: Liveness, deps: ExecuteDeps, options: ExecuteOptions): Promise<ExecuteResult> {
  const result: ExecuteResult = { deleted: [], bytesFreed: 0, diskBytesFreed: 0, narSize: 0, skipped: [], limitReached: false, interrupted: false, targetMet: false };
  const kept = new Uint8Array(liveness.nodes.size);
  const real = (path: string): string => deps.realStoreDir + path.slice(deps.storeDir.length);
  const hashOf = (path: string): string => hashPartOf(deps.storeDir, path);
  // A path kept and its forward closure (references and keep-* edges, §7.2).
  const rescue = keepClosure(liveness.nodes.graph, options, kept, 1, 1);
  const target = plan.ensureFree;
  // Measured, not estimated (statfs): other writers and freed blocks count as they are.
  const freeEnough = (): boolean => target !== undefined && (deps.freeBytes?.() ?? 0n) >= target.bytes;
  const overLimit = (): boolean => BigInt(result.bytesFreed) > plan.maxFreed;
  const progress = (): void => deps.emit({ type: 'progress', done: result.deleted.length, bytes: result.bytesFreed });

  const account = (paths: readonly { path: string; narSize: number | null; valid: boolean }[], outcomes: readonly DeleteOutcome[]): void => {
    paths.forEach(({ path, narSize, valid }, i) => {
      const outcome = outcomes[i]!;
      if ('bytes' in outcome) {
        result.bytesFreed += outcome.bytes;
        result.diskBytesFreed += outcome.diskBytes;
        result.narSize += narSize ?? 0;
        result.deleted.push(path);
        deps.emit({ type: 'deleted', path });
      } else {
        // The row is already gone, so what is left is an unregistered entry the next run removes.
        result.skipped.push({ path, reason: 'delete-failed', detail: outcome.error, rowRemoved: valid });
      }
    });
    progress();
  };

  // Junk has no rows and no temp-root protection (reference §8.3): delete it first, here.
  const interrupted = (): boolean => (result.interrupted ||= deps.interrupted());
  for (const [j, junk] of plan.junk.entries()) {
    if (interrupted()) return result;
    if (freeEnough()) return met(result, j);
    let outcome: DeleteOutcome;
    try {
      outcome = deletePathMeasured(real(junk));
    } catch (error) {
      outcome = { error: (error as Error).message };
    }
    account([{ path: junk, narSize: null, valid: false }], [outcome]);
    if (overLimit()) return stop(result, deps, plan.maxFreed, j + 1);
  }

  let inFlight: Promise<void> = Promise.resolve();
  const limited = plan.maxFreed !== UNLIMITED || target !== undefined;
  for (let i = 0; i < plan.steps.length; i += options.batchSize) {
    if (limited) {
      // A limited run goes one batch (of one path) at a time and stops before the next row.
      await inFlight;
      if (overLimit()) return stop(result, deps, plan.maxFreed, plan.junk.length + i);
      if (freeEnough()) return met(result, plan.junk.length + i);
    }
    await deps.refreshTempRoots();
    // Signals are handled while refreshTempRoots yields: stop before this batch's first row.
    if (interrupted()) break;
    const batch: PlanStep[] = [];
    for (const step of plan.steps.slice(i, i + options.batchSize)) {
      if (kept[step.id]) {
        result.skipped.push({ path: step.path, reason: 'closure-kept' });
      } else if (deps.tempHashParts.has(hashOf(step.path))) {
        rescue(step.id);
        result.skipped.push({ path: step.path, reason: 'temp-root' });
      } else {
        batch.push(step);
      }
    }
    // Pending before the first row goes: no client may be answered for these until their files are gone.
    const release = deps.pending.hold(batch.map((s) => s.path), hashOf);
    crashPoint('batch-held');
    const { inUse } = deps.db.invalidate(batch);
    crashPoint('rows-removed');
    const blocked = new Set(inUse);
    const doomed: PlanStep[] = [];
    for (const step of batch) {
      if (blocked.has(step.path)) {
        rescue(step.id);
        result.skipped.push({ path: step.path, reason: 'in-use' });
      } else {
        doomed.push(step);
      }
    }
    // One batch of files at a time on the worker, while the loop removes the next batch's rows.
    await inFlight;
    inFlight = deps.deleteFiles(doomed.map((s) => real(s.path))).then((outcomes) => {
      account(doomed, outcomes);
      release();
    }, (error: unknown) => {
      release();
      throw error;
    });
  }
  await inFlight;
  if (freeEnough()) result.targetMet = true;
  return overLimit() ? stop(result, deps, plan.maxFreed, plan.junk.length + plan.steps.length) : result;
}

/** Nix's default --max-freed: no limit. */
export const UNLIMITED = 2n ** 64n - 1n;

function met(result: ExecuteResult, at: number): ExecuteResult {
  result.targetMet = true;
  result.budgetStop = at;
  return result;
}

function stop(result: ExecuteResult, deps: ExecuteDeps, maxFreed: bigint, at: number): ExecuteResult {
  result.limitReached = true;
  result.budgetStop = at;
  deps.emit({ type: 'limit-reached', maxFreed });
  return result;
}

