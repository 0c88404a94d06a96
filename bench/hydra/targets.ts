/**
 * The targets, decided from the rows of one run (pure). Each is judged on the largest
 * tree measured; a target whose inputs were not measured is "n/a", never a pass. Scan targets
 * compare in-process scan times ([scanMs]); `dead` targets compare wall times.
 */
import { GLOB, NAIVE, NIX_DEAD } from './baselines.js';
import { updateMethod } from './incremental.js';
import { sizeLabel } from './options.js';
import { find, FIND, SQLITE } from './rows.js';
import type { Row } from './rows.js';
import { endToEnd, JOBS, rebuildMethod, ROOT_SIZES, ROOT_SIZES_TEXT } from './storegcMethods.js';

export interface Target {
  readonly name: string;
  readonly value: string;
  readonly pass: boolean | null;
}

export const fmt = (x: number): string => (x >= 10 ? x.toFixed(0) : x.toFixed(2));

function bestScan(rows: readonly Row[], size: number): Row | undefined {
  const scans = JOBS.map((j) => find(rows, `${rebuildMethod(j)} [scanMs]`, size)).filter((r): r is Row => r !== undefined);
  return scans.sort((a, b) => a.medianMs! - b.medianMs!)[0];
}

function dead(rows: readonly Row[], size: number): Row | undefined {
  return find(rows, endToEnd('dead', true), size) ?? find(rows, endToEnd('dead', false), size);
}

/** a's median over b's (a row or a number of ms), judged by `ok`; 'not measured' if either is missing. */
export function ratio(name: string, a: Row | undefined, b: Row | number | undefined, ok: (r: number) => boolean, unit = 'x'): Target {
  const bMs = typeof b === 'number' ? b : b?.medianMs;
  if (a?.medianMs == null || bMs == null) return { name, value: 'not measured', pass: null };
  const r = a.medianMs / bMs;
  return { name, value: unit === '%' ? `${(r * 100).toFixed(1)} %` : `${fmt(r)}x`, pass: ok(r) };
}

export function judgeTargets(rows: readonly Row[], sizes: readonly number[]): Target[] {
  const top = Math.max(...sizes);
  const at = ` (${sizeLabel(top)})`;
  const scan = bestScan(rows, top);
  const findRow = find(rows, FIND, top);
  const sqlite = find(rows, SQLITE, top);
  const lower = findRow && sqlite ? findRow.medianMs! + sqlite.medianMs! : undefined;
  const nixSize = [...sizes].reverse().find((s) => find(rows, NIX_DEAD, s) !== undefined);
  const prev = sizes.includes(top / 10) ? top / 10 : undefined;
  const deadRow = dead(rows, top);
  const targets: Target[] = [
    ratio(`full scan [scanMs, best jobs] <= 1.5 x find${at}`, scan, findRow, (r) => r <= 1.5),
    ratio(`full scan >= 5 x faster than naive scan [scanMs]${at}`, find(rows, `${NAIVE} [scanMs]`, top), scan, (r) => r >= 5),
    ratio(`full scan faster than fast-glob [scanMs]${at} (info)`, find(rows, `${GLOB} [scanMs]`, top), scan, (r) => r >= 1),
    ratio(`incremental, 100 changed <= 30 % of full scan [scanMs]${at}`, find(rows, `${updateMethod(100)} [scanMs]`, top), scan, (r) => r <= 0.3, '%'),
    ratio(`storegc dead <= 2 x (find + sqlite3)${at}`, deadRow, lower, (r) => r <= 2),
    ratio(`storegc roots --sizes <= 2 x storegc dead${at}`, find(rows, ROOT_SIZES_TEXT, top), deadRow, (r) => r <= 2),
    ratio(`storegc roots --sizes --json <= 2 x storegc dead${at}`, find(rows, ROOT_SIZES, top), deadRow, (r) => r <= 2),
    nixSize === undefined
      ? { name: 'storegc dead >= 100 x faster than nix-store --print-dead', value: 'Nix finished no size', pass: null }
      : ratio(`storegc dead >= 100 x faster than nix-store --print-dead (${sizeLabel(nixSize)})`, find(rows, NIX_DEAD, nixSize), dead(rows, nixSize), (r) => r >= 100),
  ];
  if (prev === undefined) {
    targets.push({ name: 'growth <= 12 x per 10 x roots', value: 'needs two sizes 10x apart', pass: null });
  } else {
    const growth = `time at ${sizeLabel(top)} <= 12 x time at ${sizeLabel(prev)}`;
    targets.push(ratio(`${growth}: full scan`, scan, bestScan(rows, prev), (r) => r <= 12));
    targets.push(ratio(`${growth}: storegc dead`, deadRow, dead(rows, prev), (r) => r <= 12));
  }
  const rss = deadRow?.rssMiB ?? null;
  targets.push(rss === null
    ? { name: `storegc dead peak RSS <= 1 GiB${at}`, value: 'not measured', pass: null }
    : { name: `storegc dead peak RSS <= 1 GiB${at}`, value: `${rss.toFixed(0)} MiB`, pass: rss <= 1024 });
  return targets;
}

export function renderTargets(targets: readonly Target[], words: readonly [string, string] = ['PASS', 'MISS']): string {
  const width = Math.max(...targets.map((t) => t.name.length));
  const w = Math.max(3, ...words.map((x) => x.length));
  return targets.map((t) => `${(t.pass === null ? 'n/a' : t.pass ? words[0] : words[1]).padEnd(w)}  ${t.name.padEnd(width)}  ${t.value}`).join('\n');
}
