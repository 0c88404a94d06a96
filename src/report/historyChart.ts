/**
 * The run history chart of `report --html` (issue 10): one inline SVG, no script, no font or
 * anything else from outside. Runs left to right, oldest first, one column each: free space
 * before and after the run (top panel, lines), bytes it deleted (bottom panel, bars; a dry run's
 * would-free bytes as an outline), and its outcome as a mark under the bars. Every run is one
 * `<g class="run">` with a tooltip. Pure.
 */
import type { StoredRun } from '../records/history.js';

/** One recorded run, as the page embeds it (bytes as numbers: exact below 2^53). */
export interface HistoryPoint {
  readonly id: number;
  /** ISO times. */
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly trigger: string;
  readonly dryRun: boolean;
  /** success, skipped, failed, running or interrupted. */
  readonly outcome: string;
  readonly freeBefore: number | null;
  readonly freeAfter: number | null;
  readonly bytesDeleted: number;
  readonly pathsDeleted: number;
  readonly deadPathsFound: number;
}

/** A stored run as the chart draws it. */
export function historyPoint(stored: StoredRun): HistoryPoint {
  const r = stored.run;
  const iso = (t: number): string => new Date(t * 1000).toISOString();
  return {
    id: stored.id,
    startedAt: iso(r.startedAt),
    finishedAt: r.finishedAt === undefined ? null : iso(r.finishedAt),
    trigger: r.trigger,
    dryRun: r.dryRun,
    outcome: stored.interrupted ? 'interrupted' : r.outcome,
    freeBefore: r.freeBefore === undefined ? null : Number(r.freeBefore),
    freeAfter: r.freeAfter === undefined ? null : Number(r.freeAfter),
    bytesDeleted: Number(r.bytesDeleted),
    pathsDeleted: r.pathsDeleted,
    deadPathsFound: r.deadPathsFound,
  };
}

const WIDTH = 1200;
const LEFT = 78;
const RIGHT = 16;
const FREE_TOP = 56;
const FREE_HEIGHT = 150;
const BARS_TOP = FREE_TOP + FREE_HEIGHT + 24;
const BARS_HEIGHT = 90;
const MARKS_Y = BARS_TOP + BARS_HEIGHT + 14;
const LABELS_Y = MARKS_Y + 24;
const HEIGHT = LABELS_Y + 12;

const COLORS = { before: '#8a8fa0', after: '#1f6fb5', deleted: '#d9822b' } as const;
const OUTCOME_COLORS: Readonly<Record<string, string>> = { success: '#2e9e44', skipped: '#9aa0a6', failed: '#d93025', interrupted: '#e8a100', running: '#4285f4' };

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? String(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

/** A round top for an axis from 0 to at least `max`: 1, 2 or 5 times a power of 1024 or 10 below it. */
function niceTop(max: number): number {
  if (max <= 0) return 1;
  let unit = 1;
  while (max / unit >= 1024) unit *= 1024;
  const scaled = max / unit;
  const power = 10 ** Math.floor(Math.log10(scaled));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= scaled / 4)!;
  return Math.ceil(scaled / step) * step * unit;
}

const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (x: number): string => (Math.round(x * 10) / 10).toString();
const short = (iso: string): string => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;

function tooltip(p: HistoryPoint): string {
  const free = p.freeBefore === null || p.freeAfter === null ? 'free space not measured' : `free ${formatBytes(p.freeBefore)} -> ${formatBytes(p.freeAfter)}`;
  const deleted = p.dryRun ? `would delete ${p.pathsDeleted} paths, ${formatBytes(p.bytesDeleted)}` : `deleted ${p.pathsDeleted} paths, ${formatBytes(p.bytesDeleted)}`;
  return `#${p.id} ${p.startedAt} ${p.trigger}${p.dryRun ? ' dry run' : ''}: ${p.outcome}; ${free}; ${deleted} (of ${p.deadPathsFound} dead)`;
}

/** The legend, left to right, each entry as wide as its text (about 6.5 px a character). */
function legendItems(): string {
  const mark = (outcome: string, cx: number, hollow = false): string => {
    const color = OUTCOME_COLORS[outcome]!;
    return outcome === 'failed' || outcome === 'interrupted'
      ? `<path d="M${cx - 5},-9l10,10m0,-10l-10,10" stroke="${color}" stroke-width="2.5" fill="none"/>`
      : `<circle cx="${cx}" cy="-4" r="5" fill="${hollow ? '#fff' : color}" stroke="${color}"/>`;
  };
  const entries: [string, (x: number) => string][] = [
    ['free before', (x) => `<line x1="${x}" x2="${x + 18}" y1="-4" y2="-4" stroke="${COLORS.before}" stroke-width="2" stroke-dasharray="4 3"/>`],
    ['free after', (x) => `<line x1="${x}" x2="${x + 18}" y1="-4" y2="-4" stroke="${COLORS.after}" stroke-width="2"/>`],
    ['deleted', (x) => `<rect x="${x + 3}" y="-10" width="12" height="10" fill="${COLORS.deleted}"/>`],
    ['would free (dry run)', (x) => `<rect x="${x + 3}" y="-10" width="12" height="10" fill="#fff" stroke="${COLORS.deleted}" stroke-dasharray="3 2"/>`],
    ...Object.keys(OUTCOME_COLORS).map((o): [string, (x: number) => string] => [o, (x) => mark(o, x + 9)]),
    ['dry run', (x) => mark('success', x + 9, true)],
  ];
  let x = 0;
  return entries.map(([label, draw]) => {
    const out = `${draw(x)}<text x="${x + 24}" y="0">${esc(label)}</text>`;
    x += 24 + label.length * 6.5 + 14;
    return out;
  }).join('');
}

function axis(top: number, height: number, max: number, label: string): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = top + height - f * height;
    return `<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${num(y)}" y2="${num(y)}"/><text class="tick" x="${LEFT - 6}" y="${num(y + 4)}" text-anchor="end">${esc(formatBytes(max * f))}</text>`;
  });
  return `${ticks.join('')}<text class="axis" x="${LEFT}" y="${top - 8}">${esc(label)}</text>`;
}

/** The chart for these runs (oldest first); '' for none. */
export function renderHistoryChart(points: readonly HistoryPoint[], total: number = points.length): string {
  if (points.length === 0) return '';
  const step = (WIDTH - LEFT - RIGHT) / points.length;
  const x = (i: number): number => LEFT + step * (i + 0.5);
  const barWidth = Math.max(1, Math.min(28, step * 0.6));
  // Marks shrink when runs crowd (200 runs leave 5.5 px each).
  const r = Math.max(1.5, Math.min(5, step * 0.4));
  const dot = num(Math.max(1, Math.min(3, step * 0.25)));
  const freeTop = niceTop(Math.max(0, ...points.flatMap((p) => [p.freeBefore ?? 0, p.freeAfter ?? 0])));
  const barTop = niceTop(Math.max(0, ...points.map((p) => p.bytesDeleted)));
  const yFree = (b: number): number => FREE_TOP + FREE_HEIGHT - (b / freeTop) * FREE_HEIGHT;
  const yBar = (b: number): number => BARS_TOP + BARS_HEIGHT - (b / barTop) * BARS_HEIGHT;
  const line = (pick: (p: HistoryPoint) => number | null, cls: string): string => {
    // Broken where a run has no measure, so no line crosses a gap.
    const parts: string[] = [];
    let current: string[] = [];
    points.forEach((p, i) => {
      const v = pick(p);
      if (v === null) {
        if (current.length > 1) parts.push(current.join(' '));
        current = [];
      } else current.push(`${num(x(i))},${num(yFree(v))}`);
    });
    if (current.length > 1) parts.push(current.join(' '));
    return parts.map((pts) => `<polyline class="${cls}" points="${pts}"/>`).join('');
  };
  const runs = points.map((p, i) => {
    const cx = num(x(i));
    const free = p.freeBefore === null || p.freeAfter === null ? ''
      : `<line class="free-change" x1="${cx}" x2="${cx}" y1="${num(yFree(p.freeBefore))}" y2="${num(yFree(p.freeAfter))}"/>`
        + `<circle class="free-before" cx="${cx}" cy="${num(yFree(p.freeBefore))}" r="${dot}"/><circle class="free-after" cx="${cx}" cy="${num(yFree(p.freeAfter))}" r="${dot}"/>`;
    const h = BARS_TOP + BARS_HEIGHT - yBar(p.bytesDeleted);
    const bar = `<rect class="deleted${p.dryRun ? ' dry' : ''}" x="${num(x(i) - barWidth / 2)}" y="${num(yBar(p.bytesDeleted))}" width="${num(barWidth)}" height="${num(Math.max(h, p.bytesDeleted > 0 ? 1 : 0))}"/>`;
    const color = OUTCOME_COLORS[p.outcome] ?? '#555';
    const mark = p.outcome === 'failed' || p.outcome === 'interrupted'
      ? `<path class="outcome ${esc(p.outcome)}" d="M${num(x(i) - r)},${num(MARKS_Y - r)}l${num(2 * r)},${num(2 * r)}m0,${num(-2 * r)}l${num(-2 * r)},${num(2 * r)}" stroke="${color}"/>`
      : `<circle class="outcome ${esc(p.outcome)}" cx="${cx}" cy="${MARKS_Y}" r="${num(r)}" fill="${p.dryRun ? '#fff' : color}" stroke="${color}"/>`;
    return `<g class="run" data-id="${p.id}"><title>${esc(tooltip(p))}</title><rect class="hit" x="${num(x(i) - step / 2)}" y="${FREE_TOP}" width="${num(step)}" height="${MARKS_Y + 8 - FREE_TOP}"/>${free}${bar}${mark}</g>`;
  });
  const every = Math.max(1, Math.ceil(points.length / 10));
  const last = points.length - 1;
  // The last run is always labelled; a label just before it would run into it, and one at the
  // right edge is set flush right so it is not cut.
  const labelled = (i: number): boolean => i === last || (i % every === 0 && last - i >= every * 0.7);
  const label = (p: HistoryPoint, i: number): string => {
    const flush = x(i) + 36 > WIDTH - RIGHT;
    return `<text class="tick" x="${num(flush ? WIDTH - RIGHT : x(i))}" y="${LABELS_Y}" text-anchor="${flush ? 'end' : 'middle'}">${esc(short(p.startedAt))}</text>`;
  };
  const labels = points.map((p, i) => (labelled(i) ? label(p, i) : '')).join('');
  const legend = legendItems();
  const title = total > points.length ? `newest ${points.length} of ${total} runs, oldest left` : `${points.length} run${points.length === 1 ? '' : 's'}, oldest left`;
  return `<svg id="history-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="run history: ${esc(title)}">
<style>
#history-chart{font:12px system-ui,sans-serif;background:#fff;border:1px solid #ccc}
#history-chart .grid{stroke:#eee}#history-chart .tick{fill:#555;font-size:11px}#history-chart .axis{fill:#222;font-weight:600}
#history-chart polyline{fill:none;stroke-width:2}#history-chart .line-before{stroke:${COLORS.before};stroke-dasharray:4 3}#history-chart .line-after{stroke:${COLORS.after}}
#history-chart .free-change{stroke:#bbb;stroke-width:1}#history-chart .free-before{fill:#fff;stroke:${COLORS.before};stroke-width:1.5}#history-chart .free-after{fill:${COLORS.after}}
#history-chart .deleted{fill:${COLORS.deleted}}#history-chart .deleted.dry{fill:#fff;stroke:${COLORS.deleted};stroke-dasharray:3 2}
#history-chart path.outcome{stroke-width:2;fill:none}#history-chart .hit{fill:transparent}#history-chart .run:hover .hit{fill:#f2f6fc}
</style>
<g transform="translate(${LEFT},18)">${legend}</g><text x="${WIDTH - RIGHT}" y="${FREE_TOP - 10}" text-anchor="end" class="tick">${esc(title)}</text>
${axis(FREE_TOP, FREE_HEIGHT, freeTop, 'free space on the store\'s file system')}
${axis(BARS_TOP, BARS_HEIGHT, barTop, 'bytes deleted per run')}
${runs.join('\n')}
${line((p) => p.freeBefore, 'line-before')}${line((p) => p.freeAfter, 'line-after')}
${labels}
</svg>`;
}
