/**
 * A hand-written SVG chart (no dependency): median time against roots count, both on log
 * scales, one line with points per method, and a legend. Pure: rows in, SVG text out.
 */
import { sizeLabel } from './options.js';
import type { Row } from './rows.js';

const W = 1100;
const H = 600;
const PLOT = { left: 70, top: 30, right: 700, bottom: 540 };
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const DASHES = ['', '6 3', '2 3'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Powers of ten spanning [lo, hi]. */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

export function renderChart(rows: readonly Row[], title: string): string {
  const ok = rows.filter((r) => r.status === 'ok' && r.medianMs !== null && r.medianMs > 0 && !r.method.includes('settled'));
  const methods = [...new Set(ok.map((r) => r.method))];
  const sizes = [...new Set(ok.map((r) => r.size))].sort((a, b) => a - b);
  const times = ok.map((r) => r.medianMs!);
  if (methods.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="80"><text x="10" y="40">no data</text></svg>\n`;
  const xTicks = sizes.length > 1 ? sizes : [sizes[0]! / 10, sizes[0]!, sizes[0]! * 10];
  const yTicks = decades(Math.min(...times), Math.max(...times));
  const lx = (v: number): number => Math.log10(v);
  const [x0, x1] = [lx(xTicks[0]!) - 0.15, lx(xTicks.at(-1)!) + 0.15];
  const [y0, y1] = [lx(yTicks[0]!), lx(yTicks.at(-1)!)];
  const x = (v: number): number => PLOT.left + ((lx(v) - x0) / (x1 - x0)) * (PLOT.right - PLOT.left);
  const y = (v: number): number => PLOT.bottom - ((lx(v) - y0) / (y1 - y0 || 1)) * (PLOT.bottom - PLOT.top);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${PLOT.left}" y="18" font-size="14">${esc(title)}</text>`,
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#333"/>`,
  ];
  for (const t of yTicks) {
    out.push(`<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`);
    out.push(`<text x="${PLOT.left - 6}" y="${y(t) + 4}" text-anchor="end">${t >= 1000 ? `${t / 1000} s` : `${t} ms`}</text>`);
  }
  for (const t of xTicks) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#eee"/>`);
    out.push(`<text x="${x(t)}" y="${PLOT.bottom + 18}" text-anchor="middle">${sizeLabel(t)}</text>`);
  }
  out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${H - 20}" text-anchor="middle">roots (log scale)</text>`);
  out.push(`<text transform="translate(16 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle">median time (log scale)</text>`);
  methods.forEach((method, i) => {
    const color = COLORS[i % COLORS.length]!;
    const dash = DASHES[Math.floor(i / COLORS.length) % DASHES.length]!;
    const pts = ok.filter((r) => r.method === method).sort((a, b) => a.size - b.size).map((r) => `${x(r.size).toFixed(1)},${y(r.medianMs!).toFixed(1)}`);
    out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    for (const p of pts) out.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3.5" fill="${color}"/>`);
    const ly = PLOT.top + 8 + i * 18;
    out.push(`<line x1="${PLOT.right + 20}" x2="${PLOT.right + 50}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    out.push(`<circle cx="${PLOT.right + 35}" cy="${ly}" r="3.5" fill="${color}"/>`);
    out.push(`<text x="${PLOT.right + 58}" y="${ly + 4}">${esc(method)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
