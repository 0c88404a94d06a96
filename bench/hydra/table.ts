/**
 * The stdout table: one line per row, grouped by size in the order measured. The ratio is the
 * row's median over its baseline's median in the same run and size (`find`, or `find` plus
 * `sqlite3` for `dead`); rows marked [field] are in-process times the command reported itself.
 */
import { sizeLabel } from './options.js';
import { baselineMs } from './rows.js';
import type { Row } from './rows.js';

const HEADERS = ['method', 'size', 'median ms', 'min', 'max', 'runs', 'peak RSS MiB', 'ratio', 'note'] as const;
const RIGHT = new Set([2, 3, 4, 5, 6, 7]);

const ms = (v: number | null): string => (v === null ? '' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

export function ratioText(rows: readonly Row[], row: Row): string {
  const base = baselineMs(rows, row);
  if (row.medianMs === null || base === null) return '';
  return `${(row.medianMs / base).toFixed(2)}x ${typeof row.baseline === 'object' ? row.baseline.label : row.baseline}`;
}

function cells(rows: readonly Row[], row: Row): string[] {
  return [
    row.method,
    sizeLabel(row.size),
    row.status === 'ok' ? ms(row.medianMs) : row.status,
    ms(row.minMs),
    ms(row.maxMs),
    row.status === 'ok' ? String(row.samples.length) : '',
    row.rssMiB === null ? '' : row.rssMiB.toFixed(0),
    ratioText(rows, row),
    row.note,
  ];
}

export function renderTable(rows: readonly Row[]): string {
  const body = rows.map((r) => cells(rows, r));
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    c.map((v, i) => (RIGHT.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
