/**
 * The records of a `gc` run (issue 9): one history row per run, dry runs included, written as
 * 'running' before the run starts (a kill leaves a row that says so) and completed after it;
 * and, with --metrics-file, the Prometheus textfile for node_exporter, written atomically.
 * The state dir is validated before the history is opened in it: a wrong one is refused (exit 2)
 * with nothing created there.
 */
import { statSync } from 'node:fs';
import type { Settings } from '../config/settings.js';
import { dbFileOf } from '../config/settings.js';
import { StoregcError } from '../errors.js';
import { locateHistory, RunHistory } from '../records/history.js';
import { renderMetrics } from '../records/metrics.js';
import { PHASES } from '../records/runRecord.js';
import type { Phase, RunRecord, Trigger } from '../records/runRecord.js';
import { writeMetricsFile } from '../records/writeAtomic.js';
import { validateDatabase } from '../snapshot/readStore.js';
import type { Finding } from '../roots/types.js';
import { fsPath } from '../store/bytes.js';
import { freeBytesOf } from '../store/freeSpace.js';
import type { GcReport } from './collect.js';

export interface RecordOptions {
  readonly metricsFile?: string | undefined;
  readonly trigger: Trigger;
  readonly dryRun: boolean;
  readonly maxFreed: bigint | undefined;
}

/** Runs `run`, recording it in the history and the metrics file; their own failures are warnings. */
export async function recordRun(settings: Settings, options: RecordOptions, run: () => Promise<GcReport>): Promise<GcReport> {
  const warnings: Finding[] = [];
  const base: RunRecord = {
    startedAt: Date.now() / 1000,
    trigger: options.trigger,
    dryRun: options.dryRun,
    outcome: 'running',
    targets: { maxFreed: options.maxFreed },
    freeBefore: freeBytesOf(settings.realStoreDir),
    phases: {},
    rootsByKind: {},
    deadPathsFound: 0,
    pathsDeleted: 0,
    bytesDeleted: 0n,
    generationsRemoved: [],
    autoRootsRemoved: [],
    keptByPolicy: {},
  };
  let history: RunHistory | undefined;
  let id: number | undefined;
  const finish = (record: RunRecord): void => {
    try {
      if (history !== undefined && id !== undefined) history.record(record, id);
      if (options.metricsFile !== undefined) writeMetricsFile(options.metricsFile, renderMetrics(record, history?.lastSuccessAt() ?? (record.outcome === 'success' ? record.finishedAt : undefined)));
    } catch (error) {
      warnings.push(recordWarning(options.metricsFile ?? history?.file ?? settings.stateDir, error));
    } finally {
      history?.close();
    }
  };
  // Validated first: nothing is created in a state dir that is not one (exit 2, not recorded).
  validateDatabase(settings);
  const { history: opened, id: row } = openHistory(settings, base, warnings);
  history = opened;
  id = row;
  let report: GcReport;
  try {
    report = await run();
  } catch (error) {
    finish({ ...base, outcome: 'failed', finishedAt: Date.now() / 1000, freeAfter: freeBytesOf(settings.realStoreDir), error: { code: error instanceof StoregcError ? error.code : 'internal', message: (error as Error).message } });
    throw error;
  }
  finish(recordOf(settings, base, report));
  return warnings.length === 0 ? report : { ...report, findings: [...report.findings, ...warnings] };
}

function openHistory(settings: Settings, base: RunRecord, warnings: Finding[]): { history: RunHistory | undefined; id: number | undefined } {
  const file = locateHistory(settings);
  if (file === undefined) {
    warnings.push({ code: 'index-unavailable', path: settings.stateDir, message: 'no writable place for the run history (state dir or cache dir); this run is not recorded' });
    return { history: undefined, id: undefined };
  }
  try {
    const history = RunHistory.open(file);
    return { history, id: history.record(base) };
  } catch (error) {
    warnings.push(recordWarning(file, error));
    return { history: undefined, id: undefined };
  }
}

function recordOf(settings: Settings, base: RunRecord, report: GcReport): RunRecord {
  const phases: Partial<Record<Phase, number>> = {};
  for (const [name, ms] of Object.entries(report.phases)) {
    const phase = (name === 'measure' ? 'plan' : name) as Phase;
    if ((PHASES as readonly string[]).includes(phase) && ms !== undefined) phases[phase] = ms / 1000;
  }
  return {
    ...base,
    finishedAt: Date.now() / 1000,
    outcome: report.target?.cause?.startsWith('free space is not below --min-free') === true ? 'skipped'
      : report.interrupted === null && !report.skipped.some((s) => s.reason === 'delete-failed') ? 'success' : 'failed',
    ...(report.target === null ? {} : {
      targets: {
        ...base.targets,
        ...(report.target.ensureFree === null ? {} : { ensureFree: { spec: String(report.target.ensureFree), bytes: report.target.ensureFree } }),
        ...(report.target.minFree === null ? {} : { minFree: { spec: String(report.target.minFree), bytes: report.target.minFree } }),
      },
    }),
    ...(report.target === null ? {} : { targetMet: report.target.met, shortfallBytes: report.target.shortfallBytes, ...(report.target.cause === null ? {} : { cause: report.target.cause }) }),
    ...(report.interrupted === null ? {} : { error: { code: 'interrupted', message: `stopped by ${report.interrupted}` } }),
    freeAfter: freeBytesOf(settings.realStoreDir),
    phases,
    rootsByKind: report.rootsByKind,
    deadPathsFound: report.deadFound,
    pathsDeleted: report.deleted.length,
    bytesDeleted: BigInt(report.diskBytesFreed),
    generationsRemoved: report.generationsRemoved.map((g) => ({ profile: g.profile, generation: g.generation, link: g.link })),
    autoRootsRemoved: report.autoRootsRemoved.map((a) => ({ link: a.link, target: a.target })),
    keptByPolicy: Object.fromEntries(Object.entries(report.keptByPolicy).map(([policy, t]) => [policy, { paths: t.paths, narSize: BigInt(t.narSize) }])),
    order: report.order,
    dbBytes: sizeOf(dbFileOf(settings)),
    walBytes: sizeOf(`${dbFileOf(settings)}-wal`),
  };
}

function sizeOf(file: string): bigint | undefined {
  try {
    return BigInt(statSync(fsPath(file)).size);
  } catch {
    return undefined;
  }
}

function recordWarning(path: string, error: unknown): Finding {
  const message = error instanceof StoregcError ? error.line() : (error as Error).message;
  return { code: 'index-unavailable', path, message: `could not record this run (${message})` };
}
