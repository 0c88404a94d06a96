/**
 * A result row: one method on one tree size, as the table, the JSON file and the chart show it.
 * Pure: summarising samples and relating a row to its baseline.
 */
import { median } from './measure.js';

export type Status = 'ok' | 'timeout' | 'unavailable' | 'failed' | 'skipped';

/**
 * What a row's ratio is taken against: the lower bound for walking roots, or for `dead`, or
 * another row of the same size (by method), shown as `label` in the ratio column.
 */
export type Baseline = 'find' | 'find+sqlite3' | 'none' | { readonly method: string; readonly label: string };

export const FIND = 'find -printf (lower bound)';
export const SQLITE = 'sqlite3 ValidPaths+Refs (lower bound)';

export interface Row {
  readonly method: string;
  readonly size: number;
  readonly baseline: Baseline;
  readonly status: Status;
  readonly samples: readonly number[];
  readonly medianMs: number | null;
  readonly minMs: number | null;
  readonly maxMs: number | null;
  readonly rssMiB: number | null;
  readonly note: string;
}

export function okRow(method: string, size: number, baseline: Baseline, samples: readonly number[], rssKiB: ReadonlyArray<number | null>, note = ''): Row {
  const rss = rssKiB.filter((k): k is number => k !== null);
  return {
    method,
    size,
    baseline,
    status: 'ok',
    samples,
    medianMs: median(samples),
    minMs: Math.min(...samples),
    maxMs: Math.max(...samples),
    rssMiB: rss.length === 0 ? null : Math.max(...rss) / 1024,
    note,
  };
}

export function missingRow(method: string, size: number, baseline: Baseline, status: Status, note: string): Row {
  return { method, size, baseline, status, samples: [], medianMs: null, minMs: null, maxMs: null, rssMiB: null, note };
}

export function find(rows: readonly Row[], method: string, size: number): Row | undefined {
  return rows.find((r) => r.method === method && r.size === size && r.status === 'ok');
}

/** The baseline's median for a row, from rows of the same size, or null if not measured. */
export function baselineMs(rows: readonly Row[], row: Row): number | null {
  const findMs = find(rows, FIND, row.size)?.medianMs ?? null;
  if (typeof row.baseline === 'object') return find(rows, row.baseline.method, row.size)?.medianMs ?? null;
  if (row.baseline === 'find') return findMs;
  if (row.baseline === 'find+sqlite3') {
    const sqliteMs = find(rows, SQLITE, row.size)?.medianMs ?? null;
    return findMs === null || sqliteMs === null ? null : findMs + sqliteMs;
  }
  return null;
}
