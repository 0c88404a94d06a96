import { describe, expect, it } from 'vitest';
import { formatBytes, historyPoint, renderHistoryChart } from '../../src/report/historyChart.js';
import type { HistoryPoint } from '../../src/report/historyChart.js';
import type { StoredRun } from '../../src/records/history.js';

const G = 1024 ** 3;
const point = (id: number, over: Partial<HistoryPoint> = {}): HistoryPoint => ({
  id, startedAt: `2026-11-0${id}T03:00:00.000Z`, finishedAt: null, trigger: 'timer', dryRun: false, outcome: 'success',
  freeBefore: 10 * G, freeAfter: 14 * G, bytesDeleted: 4 * G, pathsDeleted: 100, deadPathsFound: 120, ...over,
});
const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('renderHistoryChart', () => {
  it('is nothing without runs', () => {
    expect(renderHistoryChart([])).toBe('');
  });

  it('draws one group per run with its bar, free-space marks, outcome mark and tooltip, and nothing from outside', () => {
    const runs = [point(1), point(2, { dryRun: true }), point(3, { outcome: 'failed', bytesDeleted: 0 }), point(4, { outcome: 'interrupted' }), point(5, { outcome: 'skipped', freeBefore: null, freeAfter: null, bytesDeleted: 0 })];
    const svg = renderHistoryChart(runs);
    expect(svg.startsWith('<svg id="history-chart"')).toBe(true);
    expect(svg).not.toMatch(/https?:|url\(|@import|<script|<image/);
    expect(count(svg, '<g class="run"')).toBe(5);
    expect(count(svg, 'class="deleted"')).toBe(4);
    expect(count(svg, 'class="deleted dry"')).toBe(1);
    expect(count(svg, 'class="free-after"')).toBe(4);
    for (const outcome of ['success', 'failed', 'interrupted', 'skipped']) expect(svg).toContain(`class="outcome ${outcome}"`);
    expect(count(svg, 'class="outcome ')).toBe(5);
    expect(svg).toContain('<title>#2 2026-11-02T03:00:00.000Z timer dry run: success; free 10.0 GiB -&#62; 14.0 GiB; would delete 100 paths, 4.0 GiB (of 120 dead)</title>');
    expect(svg).toContain('5 runs, oldest left');
  });

  it('breaks the free-space lines where a run has no measure, and says when older runs are left out', () => {
    const svg = renderHistoryChart([point(1), point(2), point(3, { freeBefore: null, freeAfter: null }), point(4), point(5)], 900);
    expect(count(svg, 'class="line-after"')).toBe(2);
    expect(svg).toContain('newest 5 of 900 runs, oldest left');
  });

  it('makes a point of a stored run: interrupted runs say so, bytes become numbers', () => {
    const stored: StoredRun = {
      id: 7, pid: 1, interrupted: true,
      run: { startedAt: 1_800_000_000, trigger: 'timer', dryRun: false, outcome: 'running', targets: {}, freeBefore: 5n * BigInt(G), phases: {}, rootsByKind: {}, deadPathsFound: 3, pathsDeleted: 1, bytesDeleted: 4096n, generationsRemoved: [], autoRootsRemoved: [], keptByPolicy: {} },
    };
    expect(historyPoint(stored)).toEqual({ id: 7, startedAt: '2027-01-15T08:00:00.000Z', finishedAt: null, trigger: 'timer', dryRun: false, outcome: 'interrupted', freeBefore: 5 * G, freeAfter: null, bytesDeleted: 4096, pathsDeleted: 1, deadPathsFound: 3 });
  });

  it('formats bytes in binary units', () => {
    expect([0, 1023, 1536, 3 * G, 2.5 * 1024 * G].map(formatBytes)).toEqual(['0 B', '1023 B', '1.5 KiB', '3.0 GiB', '2.5 TiB']);
  });
});
