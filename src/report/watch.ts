/**
 * `storegc watch` output, one line per event as it happens: under --json a JSON object per check
 * (fired or not) and one when it stops; as text, a line per check that fired a run (a check that
 * finds enough free space prints nothing, so a log holds what was done, not every minute).
 */
import type { WatchCheck, WatchReport } from '../compose/watch.js';
import { display } from '../store/bytes.js';
import { formatDuration } from '../policy/units.js';
import { formatMiB } from './mib.js';

const iso = (t: number): string => new Date(t * 1000).toISOString();
const num = (b: bigint | null): number | null => (b === null ? null : Number(b));

/** The fields after schemaVersion, command and storeDir. */
export function watchJson(report: WatchReport): object {
  if (report.event === 'stopped') {
    return { event: 'stopped', at: iso(report.at), signal: report.signal, interruptedRun: report.interruptedRun, checks: report.checks, runs: report.runs };
  }
  const run = report.run;
  return {
    event: 'check',
    at: iso(report.at),
    free: num(report.free),
    minFree: num(report.minFree),
    fired: report.fired,
    aimedBytes: num(report.aimedBytes),
    freedBytes: num(report.freedBytes),
    nextCheckSeconds: report.nextCheckSeconds,
    backingOff: report.backingOff,
    run: run === undefined ? null : {
      paths: run.deleted.length,
      bytesFreed: run.bytesFreed,
      diskBytesFreed: run.diskBytesFreed,
      limitReached: run.limitReached,
      interrupted: run.interrupted,
      generationsRemoved: run.generationsRemoved.length,
      autoRootsRemoved: run.autoRootsRemoved.length,
      staleLinksRemoved: run.staleLinksRemoved.length,
      target: run.target === null ? null : { met: run.target.met, freeBefore: num(run.target.freeBefore), freeAfter: num(run.target.freeAfter), shortfallBytes: num(run.target.shortfallBytes), cause: run.target.cause },
      database: run.database === null ? null : { vacuumed: run.database.vacuumed, note: run.database.note },
    },
    error: report.error ?? null,
  };
}

export function watchText(report: WatchReport): string {
  if (report.event === 'stopped' || !report.fired) return '';
  return `${iso(report.at)} free ${formatMiB(report.free)} MiB, below --min-free ${formatMiB(report.minFree)} MiB: ${done(report)}${next(report)}\n`;
}

function done(check: WatchCheck): string {
  if (check.error !== undefined) return `the run failed (${check.error.code}: ${display(check.error.message)})`;
  const run = check.run!;
  const deleted = `${run.deleted.length} store paths deleted, ${formatMiB(run.diskBytesFreed)} MiB freed on disk`;
  if (run.interrupted !== null) return `stopped by ${run.interrupted} after ${deleted}`;
  if (check.aimedBytes === null) return `${deleted} (free space was enough by the time the run looked)`;
  return `${deleted} of ${formatMiB(check.aimedBytes)} MiB aimed for`;
}

function next(check: WatchCheck): string {
  if (check.nextCheckSeconds === null) return '';
  return `; next check in ${formatDuration(check.nextCheckSeconds)}${check.backingOff ? ' (backing off: the last runs freed too little)' : ''}`;
}
