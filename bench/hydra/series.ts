/**
 * A method measured on one tree: one untimed warm-up run (page cache warm, caches primed), then
 * `runs` timed runs, each in its own process. A warm-up slower than ONCE_OVER_MS is kept as the
 * only measurement instead (Nix's print-dead on big stores). JSON fields the command prints
 * (such as storegc's `scanMs`) become rows of their own, named `<method> [field]`.
 */
import { jsonFields, runOnce } from './measure.js';
import type { Command, Sample } from './measure.js';
import { missingRow, okRow } from './rows.js';
import type { Baseline, Row } from './rows.js';

const ONCE_OVER_MS = 60_000;

export interface Series {
  readonly method: string;
  readonly size: number;
  readonly baseline: Baseline;
  readonly runs: number;
  readonly fields?: readonly string[];
  /** Run before every run, untimed (e.g. delete the index file a rebuild writes). */
  readonly before?: () => void;
}

function failure(series: Series, sample: Sample): Row {
  if (sample.timedOut) return missingRow(series.method, series.size, series.baseline, 'timeout', `killed after ${(sample.ms / 60_000).toFixed(1)} min`);
  return missingRow(series.method, series.size, series.baseline, 'failed', `exit ${sample.status}: ${sample.lastError.slice(0, 120)}`);
}

export function summarise(series: Series, samples: readonly Sample[], note = ''): Row[] {
  const rows = [okRow(series.method, series.size, series.baseline, samples.map((s) => s.ms), samples.map((s) => s.rssKiB), note)];
  for (const field of series.fields ?? []) {
    const values = samples.map((s) => jsonFields(s.stdout)[field]).filter((v): v is number => v !== undefined);
    const method = `${series.method} [${field}]`;
    rows.push(values.length === samples.length
      ? okRow(method, series.size, series.baseline, values, [], 'in-process')
      : missingRow(method, series.size, series.baseline, 'unavailable', `no '${field}' in the JSON output`));
  }
  return rows;
}

export function measureSeries(series: Series, cmd: Command): Row[] {
  const run = (): Sample => {
    series.before?.();
    return runOnce({ ...cmd, captureStdout: cmd.captureStdout ?? (series.fields ?? []).length > 0 });
  };
  process.stderr.write(`  ${series.method} ...`);
  const warm = run();
  if (warm.status !== 0) {
    process.stderr.write(` ${warm.timedOut ? 'timeout' : 'failed'}\n`);
    return [failure(series, warm)];
  }
  if (warm.ms > ONCE_OVER_MS) {
    process.stderr.write(` ${(warm.ms / 1000).toFixed(1)} s, run once\n`);
    return summarise(series, [warm], '1 run: the warm-up took > 60 s');
  }
  const samples: Sample[] = [];
  for (let i = 0; i < series.runs; i++) {
    const sample = run();
    if (sample.status !== 0) {
      process.stderr.write(' failed\n');
      return [failure(series, sample)];
    }
    samples.push(sample);
  }
  process.stderr.write(` ${(samples.map((s) => s.ms).sort((a, b) => a - b)[samples.length >> 1]! / 1000).toFixed(3)} s\n`);
  return summarise(series, samples);
}
