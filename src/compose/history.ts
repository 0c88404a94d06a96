/** The composer of `storegc history`: the run history's newest records, nothing written. */
import { existsSync } from 'node:fs';
import type { Settings } from '../config/settings.js';
import { locateHistory, RunHistory } from '../records/history.js';
import type { HistoryReport } from '../report/history.js';
import { fsPath } from '../store/bytes.js';

export function readHistory(settings: Settings, count: number): HistoryReport {
  const file = locateHistory(settings);
  const head = { command: 'history', storeDir: settings.storeDir, file, findings: [] } as const;
  if (file === undefined || !existsSync(fsPath(file))) return { ...head, runs: [] };
  const history = RunHistory.open(file);
  try {
    return { ...head, runs: history.latest(count) };
  } finally {
    history.close();
  }
}
