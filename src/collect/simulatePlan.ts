/**
 * The dry run: exactly the prefix of the plan that a real run with the same --max-freed
 * deletes (executePlan): junk first, then the plan's steps in order, each measured the way its
 * deletion would count it (FreedMeter simulates the falling link counts), stopping after the
 * entry that makes the total exceed the limit. Writes nothing.
 *
 * What it cannot foresee: paths a client protects (or gives a referrer) while the real run is
 * going, and entries whose deletion fails.
 */
import type { GcPlan } from '../plan/planCollection.js';
import { FreedMeter } from './measure.js';

export interface Simulation {
  /** In deletion order, as the real run's `deleted`. */
  readonly deleted: string[];
  bytesFreed: number;
  diskBytesFreed: number;
  narSize: number;
  limitReached: boolean;
  /** --ensure-free: free space reached the target (estimated: free before + disk bytes freed). */
  targetMet: boolean;
  /** As ExecuteResult.budgetStop: the first entry (junk, then steps) the budget stopped before. */
  budgetStop?: number;
  /** Link counts left after the deletions (dev:ino -> count), for the `.links` forecast. */
  readonly remainingLinks: ReadonlyMap<string, number>;
}

export function simulatePlan(plan: GcPlan, real: (path: string) => string): Simulation {
  const meter = new FreedMeter();
  const sim: Simulation = { deleted: [], bytesFreed: 0, diskBytesFreed: 0, narSize: 0, limitReached: false, targetMet: false, remainingLinks: meter.remainingLinks };
  const entries = [...plan.junk.map((path) => ({ path, narSize: null })), ...plan.steps];
  const target = plan.ensureFree;
  for (const [k, { path, narSize }] of entries.entries()) {
    // As the real run: before each path, stop once the file system has the free space asked for.
    if (target !== undefined && target.freeBefore + BigInt(sim.diskBytesFreed) >= target.bytes) {
      sim.targetMet = true;
      sim.budgetStop = k;
      break;
    }
    const freed = meter.measure(real(path));
    sim.bytesFreed += freed.bytes;
    sim.diskBytesFreed += freed.diskBytes;
    sim.narSize += narSize ?? 0;
    sim.deleted.push(path);
    if (BigInt(sim.bytesFreed) > plan.maxFreed) {
      sim.limitReached = true;
      sim.budgetStop = k + 1;
      break;
    }
  }
  if (target !== undefined && target.freeBefore + BigInt(sim.diskBytesFreed) >= target.bytes) sim.targetMet = true;
  return sim;
}
