/**
 * The composer of `storegc watch` (issue 9): a long-running trigger for disk pressure. Every
 * interval it measures free space on the store's file system; below --min-free it runs `gc`
 * (the composer of collect.ts, recorded by recordRun.ts with trigger `watch`) with the same
 * policy flags, and policy/watchSchedule.ts says when to check next. The loop holds no lock
 * between runs: gc.lock is taken and released by each run.
 *
 * Stopping (the signal aborted with 'SIGINT' or 'SIGTERM'): between checks, at once; during a
 * run, the run stops as `gc` does (between batches, rows and files agreeing, gc.lock released,
 * the run recorded as stopped) and the loop ends after reporting it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Emit } from '../collect/progress.js';
import type { Settings } from '../config/settings.js';
import { StoregcError, errnoOf } from '../errors.js';
import { aimedBytes, nextCheckSeconds } from '../policy/watchSchedule.js';
import type { CheckOutcome } from '../policy/watchSchedule.js';
import { resolveSizeTarget } from '../policy/units.js';
import type { SizeTarget } from '../policy/units.js';
import type { Finding } from '../roots/types.js';
import { validateDatabase } from '../snapshot/readStore.js';
import { display } from '../store/bytes.js';
import { measureFreeSpace } from '../store/freeSpace.js';
import type { FreeSpace } from '../store/freeSpace.js';
import { collectGarbage } from './collect.js';
import type { GcReport, GcRequest, Interruption } from './collect.js';
import { recordRun } from './recordRun.js';

export interface WatchRequest {
  /** What every run asks of gc; the loop adds --min-free, its stop signal, and dryRun false. */
  readonly gc: Omit<GcRequest, 'dryRun' | 'signal' | 'minFree' | 'paths' | 'skipLive'>;
  readonly minFree: SizeTarget;
  readonly intervalSeconds: number;
  readonly metricsFile?: string | undefined;
  /** --max-freed as given (undefined: none), for the run records. */
  readonly maxFreedFlag?: bigint | undefined;
  /** Aborted with reason 'SIGINT' or 'SIGTERM' to stop. */
  readonly signal: AbortSignal;
}

/** One check: what free space was, whether it fired a run, what that run did, when the next check is. */
export interface WatchCheck {
  readonly command: 'watch';
  readonly event: 'check';
  readonly storeDir: string;
  /** Unix seconds. */
  readonly at: number;
  readonly free: bigint;
  readonly minFree: bigint;
  readonly fired: boolean;
  /** The run, when one ran and returned (stopped by the signal included). */
  readonly run: GcReport | undefined;
  /** The error a run failed with (it is recorded as failed; the loop goes on, backing off). */
  readonly error: { readonly code: string; readonly message: string } | undefined;
  /** What the run aimed for and freed (disk blocks released); null when nothing ran. */
  readonly aimedBytes: bigint | null;
  readonly freedBytes: bigint | null;
  /** Seconds until the next check; null when the loop stops after this check. */
  readonly nextCheckSeconds: number | null;
  /** The next check comes later than the base interval: the last runs freed too little. */
  readonly backingOff: boolean;
  readonly findings: readonly Finding[];
}

export interface WatchStopped {
  readonly command: 'watch';
  readonly event: 'stopped';
  readonly storeDir: string;
  readonly at: number;
  readonly signal: Interruption;
  /** The signal stopped a run in the middle (it is recorded as stopped). */
  readonly interruptedRun: boolean;
  readonly checks: number;
  readonly runs: number;
  readonly findings: readonly Finding[];
}

export type WatchReport = WatchCheck | WatchStopped;

export interface WatchIO {
  /** Each check and the final stop, as they happen. */
  readonly report: (report: WatchReport) => void;
  /** Where a run's progress goes; finished after each run. */
  readonly progress: () => { emit: Emit; finish(): void };
}

/** Runs until the signal aborts. Errors that a retry cannot cure (bad configuration, bugs) end it. */
export async function watchStore(settings: Settings, request: WatchRequest, io: WatchIO): Promise<void> {
  // A wrong --state-dir fails now (exit 2), not at the first run, maybe hours later.
  validateDatabase(settings);
  const base = request.intervalSeconds;
  const { signal } = request;
  let interval = base;
  let checks = 0;
  let runs = 0;
  let interruptedRun = false;
  const head = { command: 'watch', storeDir: settings.storeDir } as const;
  while (!signal.aborted) {
    const at = Date.now() / 1000;
    const space = freeSpace(settings.realStoreDir);
    const minFree = resolveSizeTarget(request.minFree, space.size);
    checks++;
    if (space.free >= minFree) {
      interval = nextCheckSeconds(base, interval, { kind: 'idle' });
      io.report({ ...head, event: 'check', at, free: space.free, minFree, fired: false, run: undefined, error: undefined, aimedBytes: null, freedBytes: null, nextCheckSeconds: interval, backingOff: false, findings: [] });
    } else {
      runs++;
      const { run, error, outcome } = await runOnce(settings, request, io);
      interruptedRun = run?.interrupted != null;
      interval = nextCheckSeconds(base, interval, outcome);
      const stopping = signal.aborted;
      io.report({
        ...head, event: 'check', at, free: space.free, minFree, fired: true, run, error,
        aimedBytes: outcome.kind === 'ran' ? outcome.aimedBytes : null,
        freedBytes: outcome.kind === 'ran' ? outcome.freedBytes : null,
        nextCheckSeconds: stopping ? null : interval,
        backingOff: !stopping && interval > base,
        findings: run?.findings ?? [],
      });
    }
    await sleep(interval * 1000, undefined, { signal }).catch((e: unknown) => {
      if ((e as Error).name !== 'AbortError') throw e;
    });
  }
  io.report({ ...head, event: 'stopped', at: Date.now() / 1000, signal: signal.reason === 'SIGINT' ? 'SIGINT' : 'SIGTERM', interruptedRun, checks, runs, findings: [] });
}

interface RunResult {
  readonly run: GcReport | undefined;
  readonly error: WatchCheck['error'];
  readonly outcome: CheckOutcome;
}

/** One recorded gc run; a failure a user can fix (unreadable roots, a busy disk) is an outcome, not the end. */
async function runOnce(settings: Settings, request: WatchRequest, io: WatchIO): Promise<RunResult> {
  const view = io.progress();
  try {
    const record = { metricsFile: request.metricsFile, trigger: 'watch', dryRun: false, maxFreed: request.maxFreedFlag } as const;
    const run = await recordRun(settings, record, () => collectGarbage(settings, { ...request.gc, minFree: request.minFree, dryRun: false, signal: request.signal }, view.emit));
    return { run, error: undefined, outcome: outcomeOf(run) };
  } catch (error) {
    if (!(error instanceof StoregcError) || error.exitCode === 2) throw error;
    return { run: undefined, error: { code: error.code, message: error.line().replace(/^storegc: error: /, '') }, outcome: { kind: 'failed' } };
  } finally {
    view.finish();
  }
}

/** A run measures free space again: if it found enough after all, it did nothing, like an idle check. */
function outcomeOf(run: GcReport): CheckOutcome {
  const target = run.target;
  if (target === null || (target.minFree !== null && target.freeBefore >= target.minFree)) return { kind: 'idle' };
  // The goal gc's target reports against: --ensure-free when given, else --min-free.
  const goal = target.ensureFree ?? target.minFree ?? 0n;
  return { kind: 'ran', aimedBytes: aimedBytes(goal, target.freeBefore), freedBytes: BigInt(run.diskBytesFreed) };
}

function freeSpace(dir: string): FreeSpace {
  try {
    return measureFreeSpace(dir);
  } catch (error) {
    throw new StoregcError('io', display(dir), `cannot measure free space on the store's file system (${errnoOf(error) ?? String(error)})`, 'check that the store directory exists and is readable');
  }
}
