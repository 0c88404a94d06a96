/**
 * storegc on the tree: the full parallel scan (`index rebuild`) at several --jobs, the
 * incremental rescan (incremental.ts), and `roots` and `dead` end to end with the index (the
 * default) and without it. Commands this build lacks become "unavailable" rows.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { indexOnce, measureIncremental, CHANGED, updateMethod } from './incremental.js';
import type { IndexContext } from './incremental.js';
import { missingRow } from './rows.js';
import type { Baseline, Row } from './rows.js';
import { measureSeries } from './series.js';
import { indexCommand, indexUse, storegc } from './storegc.js';
import type { Features } from './storegc.js';

export const JOBS = [1, 4, 16, 64] as const;
export const rebuildMethod = (jobs: number): string => `storegc index rebuild --jobs ${jobs}`;
export const endToEnd = (command: 'roots' | 'dead', index: boolean): string => `storegc ${command} (${index ? 'index' : '--no-index'})`;
/** `roots --sizes` (issue 10): sizes and a disk walk on top of what `dead` does; text and JSON. */
export const ROOT_SIZES_TEXT = 'storegc roots --sizes (index)';
export const ROOT_SIZES = 'storegc roots --sizes --json (index)';

function attempt(method: string, size: number, baseline: Baseline, work: () => Row[]): Row[] {
  try {
    return work();
  } catch (error) {
    return [missingRow(method, size, baseline, 'failed', (error as Error).message.slice(0, 120))];
  }
}

export function measureStoregc(ctx: IndexContext, features: Features): Row[] {
  const size = ctx.tree.info.size;
  const { env, runs } = ctx;
  const rows: Row[] = [];
  const unavailable = (method: string, baseline: Baseline = 'find'): Row => missingRow(method, size, baseline, 'unavailable', 'no `storegc index` in this build');
  const file = join(ctx.tree.layout.scratch, 'rebuild.sqlite');
  for (const jobs of JOBS) {
    if (!features.index) rows.push(unavailable(rebuildMethod(jobs)));
    else rows.push(...measureSeries(
      { method: rebuildMethod(jobs), size, baseline: 'find', runs, fields: ['scanMs'], before: () => rmSync(file, { force: true }) },
      indexCommand(env, 'rebuild', file, jobs),
    ));
  }
  if (features.index) rows.push(...attempt(updateMethod(100), size, 'find', () => measureIncremental(ctx)));
  else rows.push(...CHANGED.map((k) => unavailable(updateMethod(k))));

  const used = join(ctx.tree.layout.scratch, 'used.sqlite');
  for (const command of ['roots', 'dead'] as const) {
    const baseline: Baseline = command === 'roots' ? 'find' : 'find+sqlite3';
    for (const index of [true, false]) {
      const method = endToEnd(command, index);
      if (index && !features.index) {
        rows.push(unavailable(method, baseline));
        continue;
      }
      rows.push(...attempt(method, size, baseline, () => {
        if (index) indexOnce(ctx, 'rebuild', used);
        const note = !index && !features.noIndexFlag ? 'no --no-index flag: plain command' : '';
        const measured = measureSeries({ method, size, baseline, runs }, storegc(env, [command, '--no-runtime-roots', ...indexUse(features, used, index)]));
        return measured.map((r) => (note === '' || r.status !== 'ok' ? r : { ...r, note }));
      }));
    }
  }
  if (features.index) {
    for (const [method, json] of [[ROOT_SIZES_TEXT, []], [ROOT_SIZES, ['--json']]] as const) {
      rows.push(...attempt(method, size, 'find+sqlite3', () => {
        indexOnce(ctx, 'rebuild', used);
        return measureSeries({ method, size, baseline: 'find+sqlite3', runs }, { ...storegc(env, ['roots', '--sizes', ...json, '--no-runtime-roots', ...indexUse(features, used, true)]), timeoutMs: 10 * 60_000 });
      }));
    }
  }
  return rows;
}
