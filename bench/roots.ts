/**
 * Hydra-scale root scanning: storegc's full and incremental scans, `roots` and `dead` end to
 * end, against a naive sync scanner, fast-glob, Nix 2.8 and the lower bounds (find, sqlite3),
 * on generated trees of 10k, 100k and 1M roots. One process per measurement, one warm-up run,
 * median of --runs. Writes a table to stdout and roots.json + roots.svg under bench/results/.
 *
 *   npm run bench -- [--sizes 10k,100k,1M] [--runs N] [--seed S] [--dir D] [--skip-nix]
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureBaselines, measureNix, NIX_DEAD } from './hydra/baselines.js';
import { renderChart } from './hydra/chart.js';
import { ensureTree } from './hydra/generate.js';
import type { TreeInfo } from './hydra/generate.js';
import { toolEnv } from './hydra/layout.js';
import { parseOptions, sizeLabel } from './hydra/options.js';
import type { Row } from './hydra/rows.js';
import { detectFeatures, TreeClock } from './hydra/storegc.js';
import { measureStoregc } from './hydra/storegcMethods.js';
import { ratioText, renderTable } from './hydra/table.js';
import { judgeTargets, renderTargets } from './hydra/targets.js';

const RESULTS = join(import.meta.dirname, '..', '..', 'bench', 'results');
const options = parseOptions(process.argv.slice(2));
const features = detectFeatures();
const nixVersion = spawnSync('nix-store', ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? 'absent';
const machine = `${cpus().length} cores, node ${process.version}, ${nixVersion}`;
const rows: Row[] = [];
const trees: Array<TreeInfo & { generatedMs: number | null; root: string }> = [];

function writeResults(): void {
  mkdirSync(RESULTS, { recursive: true });
  const targets = judgeTargets(rows, options.sizes);
  const json = { options, features, machine, trees, rows: rows.map((r) => ({ ...r, ratio: ratioText(rows, r) })), targets };
  writeFileSync(join(RESULTS, 'roots.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'roots.svg'), renderChart(rows, `storegc root scanning, Hydra-shaped trees (${machine})`));
}

process.stderr.write(`storegc index commands: ${features.index ? 'available' : 'unavailable'}; ${machine}\n`);
let deadTimedOutAt: number | null = null;
for (const size of options.sizes) {
  process.stderr.write(`${sizeLabel(size)} roots: preparing the tree under ${options.dir} ...\n`);
  const tree = ensureTree(options.dir, size, options.seed);
  const { info, layout, generatedMs } = tree;
  trees.push({ ...info, generatedMs, root: layout.root });
  process.stderr.write(`  ${info.paths} paths, ${info.refs} refs, ${info.roots} roots; ${generatedMs === null ? 'cached' : `generated in ${(generatedMs / 1000).toFixed(1)} s`}\n`);
  const clock = new TreeClock();
  if (generatedMs !== null) clock.touched();
  const ctx = { tree, env: toolEnv(layout), runs: options.runs, clock };
  rows.push(...measureBaselines(ctx));
  rows.push(...measureStoregc(ctx, features));
  const nix = measureNix(ctx, options.skipNix, deadTimedOutAt);
  if (nix.some((r) => r.method === NIX_DEAD && r.status === 'timeout')) deadTimedOutAt = size;
  rows.push(...nix);
  writeResults();
}

process.stdout.write(`Hydra-scale root scanning (${machine}; seed ${options.seed}, ${options.runs} runs, medians)\n\n`);
process.stdout.write(`${renderTable(rows)}\n\nTargets (largest tree in this run):\n${renderTargets(judgeTargets(rows, options.sizes))}\n`);
process.stdout.write(`\nWrote ${join(RESULTS, 'roots.json')} and roots.svg\n`);
