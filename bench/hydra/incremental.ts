/**
 * storegc's incremental rescan after K changed roots. Two views per K:
 *  - "K changed": every timed `index update` is the first to see K fresh changes (mutate, time
 *    the update, undo, wait out the margin, update untimed so the index is current again);
 *  - "K changed, settled": mutate once, wait out the margin, update once untimed, then time
 *    further updates, i.e. the steady cost once the index has seen the change.
 * The tree is restored after each mutation, so the other methods see the generated tree.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../../tests/support/prng.js';
import type { Tree } from './generate.js';
import { jsonFields, median, runOnce } from './measure.js';
import type { Sample } from './measure.js';
import { applyMutation, planMutation } from './mutate.js';
import { missingRow } from './rows.js';
import type { Row } from './rows.js';
import { measureSeries, summarise } from './series.js';
import { indexCommand } from './storegc.js';
import type { TreeClock } from './storegc.js';

export const CHANGED = [0, 100, 10_000] as const;
export const updateMethod = (k: number): string => `storegc index update, ${k} changed`;

export interface IndexContext {
  readonly tree: Tree;
  readonly env: NodeJS.ProcessEnv;
  readonly runs: number;
  readonly clock: TreeClock;
}

/** Runs an untimed index command on a tree that has settled; throws if it fails. */
export function indexOnce(ctx: IndexContext, verb: 'rebuild' | 'update', file: string): Sample {
  if (verb === 'rebuild') for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  ctx.clock.settle();
  const sample = runOnce(indexCommand(ctx.env, verb, file));
  if (sample.status !== 0) throw new Error(`index ${verb} failed: ${sample.lastError}`);
  ctx.clock.learn(sample);
  return sample;
}

/** Applies K changes, runs `during`, and always undoes them. */
function withChanges<T>(ctx: IndexContext, k: number, seed: number, during: () => T): T {
  const undo = applyMutation(ctx.tree, planMutation(ctx.tree.plan, k, createRng(seed)));
  if (k > 0) ctx.clock.touched();
  try {
    return during();
  } finally {
    undo();
    if (k > 0) ctx.clock.touched();
  }
}

const dirsNote = (samples: readonly Sample[]): string => {
  const f = samples.map((s) => jsonFields(s.stdout));
  const read = f.map((x) => x.dirsRead).filter((v) => v !== undefined);
  return read.length === 0 ? '' : `dirs read ${median(read)} of ${f[0]?.dirs ?? '?'}`;
};

export function measureIncremental(ctx: IndexContext): Row[] {
  const { size } = ctx.tree.info;
  const file = join(ctx.tree.layout.scratch, 'incremental.sqlite');
  const update = indexCommand(ctx.env, 'update', file);
  const rows: Row[] = [];
  indexOnce(ctx, 'rebuild', file);
  for (const k of CHANGED) {
    const series = { method: updateMethod(k), size, baseline: 'find' as const, runs: ctx.runs, fields: ['scanMs'] };
    if (k > size / 2) {
      rows.push(missingRow(series.method, size, 'find', 'skipped', 'more changes than half the roots'));
      continue;
    }
    process.stderr.write(`  ${series.method} ...\n`);
    const samples: Sample[] = [];
    for (let i = 0; i <= ctx.runs; i++) {
      const sample = withChanges(ctx, k, ctx.tree.plan.seed * 1000 + i, () => runOnce(update));
      if (sample.status !== 0) throw new Error(`index update failed: ${sample.lastError}`);
      if (k > 0) indexOnce(ctx, 'update', file);
      if (i > 0) samples.push(sample);
    }
    rows.push(...summarise(series, samples, dirsNote(samples)));
    if (k === 0) continue;
    rows.push(...withChanges(ctx, k, ctx.tree.plan.seed * 1000 - 1, () => {
      indexOnce(ctx, 'update', file);
      return measureSeries({ ...series, method: `${series.method}, settled` }, update);
    }));
    indexOnce(ctx, 'update', file);
  }
  return rows;
}
