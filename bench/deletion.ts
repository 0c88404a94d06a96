/**
 * Deletion throughput: storegc gc against nix-store --gc (Nix 2.8) on identical stores of N
 * dead small paths, each measured in its own process, in the same run. Reports the ratio.
 *
 *   npm run bench:deletion -- [N]        (default 100000; BENCH_DIR picks the file system)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDeadStore } from './hydra/deadStore.js';

const N = Number(process.argv[2] ?? 100_000);
const BASE = process.env.BENCH_DIR ?? (statfsSync('/dev/shm', { bigint: false }) ? '/dev/shm' : tmpdir());
const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'storegc.js');

function measure(label: string, command: string, args: string[]): { label: string; seconds: number; summary: string; left: number } {
  const root = mkdtempSync(join(BASE, `storegc-bench-del-`));
  try {
    const env = writeDeadStore(root, N);
    spawnSync('sync');
    const start = process.hrtime.bigint();
    const run = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (run.status !== 0) throw new Error(`${label} failed: ${run.stderr.slice(-500)}`);
    return { label, seconds, summary: run.stdout.trim(), left: readdirSync(env.NIX_STORE_DIR!).length };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const nix = measure('nix-store --gc (Nix 2.8)', 'nix-store', ['--gc']);
const ours = measure('storegc gc', process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), MAIN, 'gc', ...(process.env.BENCH_JSON ? ['--json'] : ['--quiet'])]);
const ratio = nix.seconds / ours.seconds;
const fs = BASE;
console.log(`Deletion of ${N} dead small paths (chains of 10), store on ${fs}`);
for (const r of [nix, ours]) console.log(`  ${r.label.padEnd(28)} ${r.seconds.toFixed(2).padStart(8)} s   ${r.summary}   (${r.left} entries left)`);
console.log(`  ratio: storegc is ${ratio.toFixed(1)}x faster (target: >= 5x) ${ratio >= 5 ? 'MET' : 'MISSED'}`);
mkdirSync(join(import.meta.dirname, '..', '..', 'bench', 'results'), { recursive: true });
writeFileSync(join(import.meta.dirname, '..', '..', 'bench', 'results', 'deletion.json'), `${JSON.stringify({ n: N, dir: fs, nix, storegc: ours, ratio }, null, 2)}\n`);
