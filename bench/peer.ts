/**
 * Side by side with fast-nix-gc (issue 8, "Targets"): `storegc dead` against
 * `fast-nix-gc --dry-run` on the same generated stores in three states (no cache files, caches
 * current, after 1,000 registered and 100 deleted), real collection of N dead paths on a disk
 * file system against fast-nix-gc and `nix-store --gc`, and Nix's --print-dead on stores up to
 * 30k paths; `storegc gc --dry-run` beside `fast-nix-gc --dry-run` (neither with caches); and
 * `storegc roots --sizes` beside `storegc dead` (issue 10). Writes a table and
 * the judged targets to stdout and bench/results/peer.json.
 *
 *   npm run bench:peer -- [--sizes 26k,100k,200k,1.3M] [--runs N] [--peer PATH] [--disk-dir D]
 *                         [--skip-nix] [--seed S] [--dir D] [--gc-paths N] [--gc-runs N] [--skip-gc]
 *                         [--skip-sizes]
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NIX_DEAD, nixDead } from './hydra/baselines.js';
import { ensureTree } from './hydra/generate.js';
import { toolEnv } from './hydra/layout.js';
import { sizeLabel } from './hydra/options.js';
import { missingRow } from './hydra/rows.js';
import type { Row } from './hydra/rows.js';
import { TreeClock } from './hydra/storegc.js';
import { ratioText, renderTable } from './hydra/table.js';
import { renderTargets } from './hydra/targets.js';
import { measureStates } from './peer/dead.js';
import type { Check } from './peer/dead.js';
import { measureGc } from './peer/gc.js';
import { parsePeerOptions, peerPresent } from './peer/options.js';
import { shapeFor } from './peer/shapes.js';
import { measureSizes } from './peer/sizes.js';
import { measureGcDryRun } from './peer/gcDryRun.js';
import { infoLines, judgePeerTargets } from './peer/targets.js';

const NIX_DEAD_UP_TO = 30_000;
const RESULTS = join(import.meta.dirname, '..', '..', 'bench', 'results');
const options = parsePeerOptions(process.argv.slice(2));
const peer = peerPresent(options.peer);
const version = (cmd: string, args: string[]): string => spawnSync(cmd, args, { encoding: 'utf8' }).stdout?.trim().split('\n')[0] ?? 'absent';
const nixVersion = version('nix-store', ['--version']);
const commit = version('git', ['-C', join(import.meta.dirname, '..', '..'), 'rev-parse', '--short', 'HEAD']);
const machine = `${cpus().length} cores, node ${process.version}, ${nixVersion}`;
const rows: Row[] = [];
const checks: Check[] = [];
const trees: Array<Record<string, unknown>> = [];

function writeResults(): void {
  mkdirSync(RESULTS, { recursive: true });
  const targets = judgePeerTargets(rows, checks, options.gcPaths);
  const json = { options, peer, commit, machine, trees, rows: rows.map((r) => ({ ...r, ratio: ratioText(rows, r) })), checks, targets };
  writeFileSync(join(RESULTS, 'peer.json'), `${JSON.stringify(json, null, 2)}\n`);
}

process.stderr.write(`storegc ${commit}; ${machine}; fast-nix-gc: ${peer ?? `not found at ${options.peer}, its rows are skipped`}\n`);
for (const paths of options.sizes) {
  const { roots, shape } = shapeFor(paths);
  process.stderr.write(`${sizeLabel(paths)} paths, ${sizeLabel(roots)} roots: preparing the tree under ${options.dir} ...\n`);
  const tree = ensureTree(options.dir, roots, options.seed, shape);
  const { info, layout, generatedMs } = tree;
  process.stderr.write(`  ${info.paths} paths, ${info.refs} refs, ${info.roots} roots; ${generatedMs === null ? 'cached' : `generated in ${(generatedMs / 1000).toFixed(1)} s`}\n`);
  const clock = new TreeClock();
  if (generatedMs !== null) clock.touched();
  const env = { ...toolEnv(layout), XDG_CACHE_HOME: join(layout.root, '.cache') };
  const ctx = { tree, env, runs: options.runs, clock, peer };
  const result = measureStates(ctx);
  rows.push(...result.rows);
  checks.push(...result.checks);
  if (!options.skipSizes) rows.push(...measureSizes(ctx));
  rows.push(...measureGcDryRun(ctx));
  trees.push({ ...info, generatedMs, root: layout.root, dead: result.dead });
  if (paths <= NIX_DEAD_UP_TO) {
    rows.push(...(options.skipNix ? [missingRow(NIX_DEAD, paths, 'none', 'skipped', '--skip-nix')] : nixDead(ctx).map((r) => ({ ...r, size: paths, baseline: 'none' as const }))));
  }
  writeResults();
}
if (options.skipGc) process.stderr.write('real collection: skipped (--skip-gc)\n');
else {
  process.stderr.write(`real collection of ${options.gcPaths} dead paths under ${options.diskDir}:\n`);
  rows.push(...measureGc({ n: options.gcPaths, runs: options.gcRuns, diskDir: options.diskDir, peer, skipNix: options.skipNix }));
  writeResults();
}

process.stdout.write(`storegc against fast-nix-gc (commit ${commit}; ${machine}; seed ${options.seed}, ${options.runs} runs, medians; ratio = median / fast-nix-gc's median)\n\n`);
process.stdout.write(`${renderTable(rows)}\n\nTargets:\n${renderTargets(judgePeerTargets(rows, checks, options.gcPaths), ['MET', 'MISSED'])}\n`);
const info = infoLines(rows, options.sizes);
if (info.length > 0) process.stdout.write(`\nAll sizes (storegc / fast-nix-gc, roots --sizes / dead; for reading):\n${info.join('\n')}\n`);
process.stdout.write(`\nWrote ${join(RESULTS, 'peer.json')}\n`);
