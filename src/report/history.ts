/** `storegc history`: past runs, newest first, as text lines or JSON objects. */
import type { StoredRun } from '../records/history.js';
import type { RunRecord } from '../records/runRecord.js';
import type { Finding } from '../roots/types.js';
import { display } from '../store/bytes.js';
import { formatMiB } from './mib.js';
import { keptByPolicyJson, keptByPolicyText } from './keptByPolicy.js';

export interface HistoryReport {
  readonly command: 'history';
  readonly storeDir: string;
  readonly file: string | undefined;
  readonly runs: readonly StoredRun[];
  readonly findings: readonly Finding[];
}

const iso = (t: number | undefined): string | null => (t === undefined ? null : new Date(t * 1000).toISOString());
const bytes = (b: bigint | undefined): string | null => (b === undefined ? null : String(b));

function outcomeOf(stored: StoredRun): string {
  return stored.interrupted ? 'interrupted' : stored.run.outcome;
}

export function historyJson(report: HistoryReport): object {
  return {
    file: report.file === undefined ? null : display(report.file),
    runs: report.runs.map((stored) => runJson(stored)),
  };
}

export function runJson(stored: StoredRun): object {
  const r: RunRecord = stored.run;
  return {
    id: stored.id,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    trigger: r.trigger,
    dryRun: r.dryRun,
    outcome: outcomeOf(stored),
    error: r.error ?? null,
    targets: { maxFreed: bytes(r.targets.maxFreed), ensureFree: r.targets.ensureFree?.spec ?? null, minFree: r.targets.minFree?.spec ?? null },
    freeBefore: bytes(r.freeBefore),
    freeAfter: bytes(r.freeAfter),
    generationsRemoved: r.generationsRemoved.map((g) => ({ profile: display(g.profile), generation: g.generation, link: display(g.link) })),
    autoRootsRemoved: r.autoRootsRemoved.map((a) => ({ link: display(a.link), target: display(a.target) })),
    deadPathsFound: r.deadPathsFound,
    pathsDeleted: r.pathsDeleted,
    bytesDeleted: String(r.bytesDeleted),
    order: r.order ?? null,
    keptByPolicy: keptByPolicyJson(r.keptByPolicy, 'string'),
    phasesSeconds: r.phases,
  };
}

export function historyText(report: HistoryReport): string {
  if (report.runs.length === 0) return `no runs recorded${report.file === undefined ? '' : ` in ${display(report.file)}`}\n`;
  return report.runs.map(runLine).join('');
}

/** One line for one recorded run. */
export function runLine(stored: StoredRun): string {
  {
    const r = stored.run;
    const took = r.finishedAt === undefined ? '' : ` in ${(r.finishedAt - r.startedAt).toFixed(1)} s`;
    const free = r.freeBefore === undefined || r.freeAfter === undefined ? '' : `, free ${formatMiB(r.freeBefore)} -> ${formatMiB(r.freeAfter)} MiB`;
    const error = r.error === undefined ? '' : ` (${r.error.code}: ${r.error.message})`;
    const kept = keptByPolicyText(r.keptByPolicy);
    return `#${stored.id} ${iso(r.startedAt)} ${r.trigger}${r.dryRun ? ' dry run' : ''}: ${outcomeOf(stored)}${took}; ${r.pathsDeleted} of ${r.deadPathsFound} dead paths deleted, ${formatMiB(r.bytesDeleted)} MiB, ${r.generationsRemoved.length} generations removed${free}${kept === undefined ? '' : `; ${kept}`}${error}\n`;
  }
}
