/**
 * The composer of `storegc status`: the last recorded run, and what `gc` with the same flags
 * would do now — the dry run's plan, which says whether it would fire (--min-free), what it would
 * free and which limit binds. Records nothing: a look is not a run.
 */
import { existsSync } from 'node:fs';
import type { Settings } from '../config/settings.js';
import { locateHistory, RunHistory } from '../records/history.js';
import type { StoredRun } from '../records/history.js';
import { fsPath } from '../store/bytes.js';
import { collectGarbage } from './collect.js';
import type { GcReport, GcRequest } from './collect.js';

export interface StatusReport {
  readonly command: 'status';
  readonly storeDir: string;
  readonly last: StoredRun | undefined;
  readonly now: GcReport;
  readonly findings: GcReport['findings'];
}

export async function statusOf(settings: Settings, request: GcRequest & { dryRun: true }): Promise<StatusReport> {
  const now = await collectGarbage(settings, request, () => {});
  return { command: 'status', storeDir: settings.storeDir, last: lastRun(settings), now, findings: now.findings };
}

function lastRun(settings: Settings): StoredRun | undefined {
  const file = locateHistory(settings);
  if (file === undefined || !existsSync(fsPath(file))) return undefined;
  const history = RunHistory.open(file);
  try {
    return history.latest(1)[0];
  } finally {
    history.close();
  }
}
