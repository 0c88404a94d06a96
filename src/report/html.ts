/**
 * `storegc report --html`: one self-contained page (no network, no external fonts or scripts):
 * totals, a treemap of groups and roots by exclusive size, a sortable table of roots, the
 * why-alive chain of any live path on click, and the run history chart when gc runs are
 * recorded (historyChart.ts, an inline SVG made here). The data is embedded as JSON; the script
 * only lays it out. A store of a million live paths makes a page of about 60 MB: the live paths
 * are embedded as their names below the store directory, the chains as two arrays in base64, and
 * the script looks a path up only when asked (a Map of every path is made on the first lookup).
 * Pure.
 */
import { renderHistoryChart } from './historyChart.js';
import type { ReportPageData } from './insightTypes.js';

/** The why-alive chains of every live path, as the page embeds them. */
export interface PageLive {
  /** The JSON of an array of each live path's name below the store directory (a path outside it whole), `<` escaped. */
  readonly names: Uint8Array;
  /** Each live path's parent on a shortest chain (its index; -1 at a chain start). */
  readonly parent: Int32Array;
  /** The edge kind (an index into `edges`) from the parent; -1 at a chain start. */
  readonly edge: Int8Array;
  /** The root row (in `roots`) of each chain start shown. */
  readonly rootOf: Readonly<Record<number, number>>;
}

/** JSON inside <script>: `<` escaped so no path can close the element. */
function embed(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const base64 = (a: Int32Array | Int8Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** The page, in pieces to be written one after the other (the names are the bulk of it). */
export function renderHtml(data: ReportPageData, live: PageLive): Uint8Array[] {
  const chains = embed({ parent: base64(live.parent), edge: base64(live.edge), rootOf: live.rootOf });
  const [before, after] = pageText(data, chains).split(NAMES_HERE) as [string, string];
  return [Buffer.from(before, 'utf8'), live.names, Buffer.from(after, 'utf8')];
}

/** Where the live paths' names go in pageText. */
const NAMES_HERE = '\u0000names\u0000';

function pageText(data: ReportPageData, chains: string): string {
  const shown = (count: number, total: number, what: string): string => (count < total ? `: the ${count.toLocaleString('en')} of ${total.toLocaleString('en')} ${what} with the largest exclusive size (<code>storegc roots --sizes</code> lists them all)` : '');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>storegc report: ${escapeHtml(data.storeDir)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#222;background:#fafafa}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:18px 0 6px}
#totals{display:flex;gap:12px;flex-wrap:wrap}.total{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:150px}
.total b{display:block;font-size:18px}
#treemap{position:relative;width:100%;height:360px;background:#fff;border:1px solid #ccc}
.cell{position:absolute;box-sizing:border-box;border:1px solid #fff;overflow:hidden;font-size:11px;color:#fff;padding:2px;cursor:pointer}
.cell.group{border:2px solid #fafafa;background:transparent;color:#000;padding:0}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:right;white-space:nowrap}
th{cursor:pointer;background:#f0f0f0;position:sticky;top:0}td.l,th.l{text-align:left;max-width:520px;overflow:hidden;text-overflow:ellipsis}
tr.root-row:hover{background:#eef}#chain{background:#fff;border:1px solid #ddd;padding:8px;min-height:40px;font-family:monospace;font-size:12px;white-space:pre-wrap}
#search{width:60%;padding:4px}#matches div{cursor:pointer;font-family:monospace;font-size:12px}#matches div:hover{background:#eef}
</style></head><body>
<h1>storegc report</h1><div>store <code id="store"></code>, generated <span id="when"></span></div>
<div id="totals"></div>
${data.history === null || data.history.runs.length === 0 ? '' : `<section id="history"><h2>Run history</h2>\n${renderHistoryChart(data.history.runs, data.history.total)}</section>`}
<h2>Roots and groups by exclusive size${shown(data.groups.length, data.groupsTotal, 'groups')}</h2><div id="treemap"></div>
<h2>Roots${shown(data.roots.length, data.rootsTotal, 'roots')}</h2><table id="roots"><thead><tr>
<th class="l" data-k="link">root</th><th class="l" data-k="kind">kind</th><th data-k="exclusiveDiskBytes">exclusive</th><th data-k="exclusiveNarSize">excl. nar</th><th data-k="exclusivePaths">excl. paths</th><th data-k="closureDiskBytes">closure</th><th data-k="closureNarSize">closure nar</th><th data-k="closurePaths">paths</th><th data-k="ageSeconds">age</th>
</tr></thead><tbody></tbody></table>
<h2>Why is it alive?</h2><input id="search" placeholder="part of a store path"><div id="matches"></div><div id="chain">Click a root, a treemap cell or a search result.</div>
<script id="data" type="application/json">${embed(data)}</script>
<script id="names" type="application/json">${NAMES_HERE}</script>
<script id="chains" type="application/json">${chains}</script>
<script>
"use strict";
const D = JSON.parse(document.getElementById('data').textContent);
const $ = (id) => document.getElementById(id);
const names = JSON.parse($('names').textContent);
const prefix = D.storeDir + '/';
const pathOf = (i) => names[i].startsWith('/') ? names[i] : prefix + names[i];
const fromBase64 = (text, Type) => { const bin = atob(text); const bytes = new Uint8Array(bin.length); for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k); return new Type(bytes.buffer); };
const C = JSON.parse($('chains').textContent);
const parent = fromBase64(C.parent, Int32Array), edgeOf = fromBase64(C.edge, Int8Array);
const fmt = (b) => { const u = ['B','KiB','MiB','GiB','TiB']; let i = 0; while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; } return (i ? b.toFixed(1) : String(b)) + ' ' + u[i]; };
const age = (s) => s === null ? '-' : s >= 86400 ? Math.floor(s / 86400) + 'd' : s >= 3600 ? Math.floor(s / 3600) + 'h' : Math.floor(s / 60) + 'm';
const weight = (x) => x.exclusiveDiskBytes > 0 ? x.exclusiveDiskBytes : x.exclusiveNarSize;
$('store').textContent = D.storeDir; $('when').textContent = D.generated;
for (const [label, value, sub] of [
  ['store paths', String(D.totals.livePaths + D.totals.deadPaths), ''],
  ['live', fmt(D.totals.liveDiskBytes), D.totals.livePaths + ' paths, nar ' + fmt(D.totals.liveNarSize)],
  ['dead', String(D.totals.deadPaths) + ' paths', 'nar ' + fmt(D.totals.deadNarSize)],
  ['gc would free', fmt(D.totals.gcFreesBytes), D.totals.deadPaths + ' paths'],
]) { const t = document.createElement('div'); t.className = 'total'; t.innerHTML = label + '<b></b><span></span>'; t.querySelector('b').textContent = value; t.querySelector('span').textContent = sub; $('totals').appendChild(t); }

// Squarified treemap (Bruls et al.) of groups, each subdivided by its roots.
function squarify(items, x, y, w, h) {
  const out = []; const total = items.reduce((t, i) => t + i.v, 0); if (total <= 0) return out;
  let rest = items.map((i) => ({ ...i, a: i.v / total * w * h }));
  while (rest.length) {
    const short = Math.min(w, h); let row = []; let best = Infinity;
    for (const it of rest) { const r = [...row, it]; const s = r.reduce((t, i) => t + i.a, 0); const worst = Math.max(...r.map((i) => Math.max(short * short * i.a / (s * s), s * s / (short * short * i.a)))); if (worst > best) break; best = worst; row = r; }
    rest = rest.slice(row.length); const s = row.reduce((t, i) => t + i.a, 0); const thick = s / short; let off = 0;
    for (const it of row) { const len = it.a / thick; if (w >= h) out.push({ it, x, y: y + off, w: thick, h: len }); else out.push({ it, x: x + off, y, w: len, h: thick }); off += len; }
    if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
  }
  return out;
}
const map = $('treemap'); const W = map.clientWidth, H = map.clientHeight;
const groups = D.groups.map((g) => ({ g, v: weight(g) })).filter((i) => i.v > 0).sort((a, b) => b.v - a.v);
const hue = (s) => { let h = 0; for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0; return h % 360; };
for (const box of squarify(groups, 0, 0, W, H)) {
  const gd = document.createElement('div'); gd.className = 'cell group'; Object.assign(gd.style, { left: box.x + 'px', top: box.y + 'px', width: box.w + 'px', height: box.h + 'px' }); gd.title = box.it.g.name + ': ' + fmt(weight(box.it.g)); map.appendChild(gd);
  const members = D.roots.filter((r) => r.group === box.it.g.name).map((r) => ({ r, v: weight(r) })).filter((i) => i.v > 0).sort((a, b) => b.v - a.v);
  for (const c of squarify(members, box.x + 2, box.y + 2, Math.max(0, box.w - 4), Math.max(0, box.h - 4))) {
    const d = document.createElement('div'); d.className = 'cell root'; Object.assign(d.style, { left: c.x + 'px', top: c.y + 'px', width: c.w + 'px', height: c.h + 'px', background: 'hsl(' + hue(box.it.g.name) + ',55%,45%)' });
    const r = c.it.r; d.textContent = r.link.split('/').pop() + ' ' + fmt(weight(r)); d.title = r.link + ' -> ' + r.path; d.onclick = () => showRoot(r); map.appendChild(d);
  }
}

let sortKey = 'exclusiveDiskBytes', sortDir = -1;
function renderTable() {
  const rows = [...D.roots].sort((a, b) => { const x = a[sortKey], y = b[sortKey]; return (typeof x === 'string' ? x.localeCompare(y) : (x ?? -1) - (y ?? -1)) * sortDir; });
  const body = document.querySelector('#roots tbody'); body.textContent = '';
  for (const r of rows) {
    const tr = document.createElement('tr'); tr.className = 'root-row';
    for (const [v, cls] of [[r.link + ' -> ' + r.path, 'l'], [r.kind, 'l'], [fmt(r.exclusiveDiskBytes)], [fmt(r.exclusiveNarSize)], [r.exclusivePaths], [fmt(r.closureDiskBytes)], [fmt(r.closureNarSize)], [r.closurePaths], [age(r.ageSeconds)]]) { const td = document.createElement('td'); if (cls) td.className = cls; td.textContent = String(v); tr.appendChild(td); }
    tr.onclick = () => showRoot(r); body.appendChild(tr);
  }
}
for (const th of document.querySelectorAll('#roots th')) th.onclick = () => { const k = th.dataset.k; sortDir = k === sortKey ? -sortDir : (k === 'link' || k === 'kind' ? 1 : -1); sortKey = k; renderTable(); };
renderTable();

// Why-alive chains: each live path's parent on a shortest chain, and the root of each chain start.
let index;
const indexOf = (path) => {
  if (index === undefined) { index = new Map(); names.forEach((n, i) => index.set(n, i)); }
  return index.get(path.startsWith(prefix) ? path.slice(prefix.length) : path);
};
function chainText(i) {
  const steps = []; let x = i;
  while (parent[x] >= 0) { steps.push('  -[' + D.edges[edgeOf[x]] + ']-> ' + pathOf(x)); x = parent[x]; }
  const root = C.rootOf[x];
  const head = root !== undefined ? D.roots[root].link + ' -> ' + D.roots[root].path + ' (' + D.roots[root].kind + ')' + (D.roots[root].path === pathOf(x) ? '' : '\\n  ~ ' + pathOf(x))
    : D.roots.length < D.rootsTotal ? pathOf(x) + ' (kept by a root not among the roots shown: storegc why names it)' : pathOf(x);
  return pathOf(i) + ' is alive:\\n' + head + '\\n' + steps.reverse().join('\\n');
}
function showRoot(r) { const i = indexOf(r.path); $('chain').textContent = i === undefined ? r.link + ' -> ' + r.path + ' keeps nothing alive' : r.link + ' -> ' + r.path + ' (' + r.kind + ')\\nexclusive ' + fmt(r.exclusiveDiskBytes) + ' in ' + r.exclusivePaths + ' paths; closure ' + fmt(r.closureDiskBytes) + ' in ' + r.closurePaths + ' paths\\n\\n' + chainText(i); }
$('search').oninput = () => {
  const q = $('search').value; const m = $('matches'); m.textContent = ''; if (q.length < 2) return;
  // Within the names: a query with the store directory in it asks for a name that starts with the rest.
  const whole = q.startsWith(prefix); const part = whole ? q.slice(prefix.length) : q; const across = q.includes('/');
  const match = (name) => name.startsWith('/') ? name.includes(q) : whole ? name.startsWith(part) : name.includes(q) || (across && (prefix + name).includes(q));
  let n = 0; for (let i = 0; i < names.length && n < 50; i++) if (match(names[i])) { const d = document.createElement('div'); d.textContent = pathOf(i); d.onclick = () => { $('chain').textContent = chainText(i); }; m.appendChild(d); n++; }
};
// #why=<store path> opens that path's chain (links to a path, and tests without clicks).
const asked = decodeURIComponent(location.hash.startsWith('#why=') ? location.hash.slice(5) : '');
if (asked !== '') { const i = indexOf(asked); $('chain').textContent = i !== undefined ? chainText(i) : asked + ' is not alive'; }
document.body.dataset.ready = 'true';
</script></body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
