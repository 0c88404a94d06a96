/**
 * Real collection on a disk file system: twin stores of N dead small paths (deadStore.ts), one
 * per tool, each written fresh under `diskDir` and synced before the tool runs: `storegc gc`,
 * fast-nix-gc (no --dry-run) and `nix-store --gc` (Nix 2.8). Interleaved per run; wall time and
 * peak RSS as everywhere else; the entries left in the store are counted (1 is right: the
 * rooted path; Nix's `.links` directory is not counted).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeDeadStore } from '../hydra/deadStore.js';
import type { DeadStoreEnv } from '../hydra/deadStore.js';
import { runOnce } from '../hydra/measure.js';
import type { Command, Sample } from '../hydra/measure.js';
import { missingRow } from '../hydra/rows.js';
import type { Baseline, Row } from '../hydra/rows.js';
import { summarise } from '../hydra/series.js';
import { storegc } from '../hydra/storegc.js';
import { cpuNote } from './cpu.js';

export const GC_STOREGC = 'storegc gc (real, disk)';
export const GC_PEER = 'fast-nix-gc (real, disk)';
export const GC_NIX = 'nix-store --gc (real, disk)';
const NIX_TIMEOUT_MS = 30 * 60_000;

interface Tool {
  readonly method: string;
  readonly baseline: Baseline;
  readonly command: (env: DeadStoreEnv, base: NodeJS.ProcessEnv) => Command;
}

export interface GcOptions {
  readonly n: number;
  readonly runs: number;
  readonly diskDir: string;
  readonly peer: string | null;
  readonly skipNix: boolean;
}

function baseEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: root, XDG_CACHE_HOME: join(root, '.cache') };
  for (const name of ['NIX_CONFIG', 'NIX_REMOTE', 'NIX_USER_CONF_FILES', 'NIX_PATH']) delete env[name];
  return env;
}

function once(tool: Tool, n: number, diskDir: string): { sample: Sample; left: number } {
  const root = mkdtempSync(join(diskDir, 'storegc-bench-peer-gc-'));
  try {
    const env = writeDeadStore(root, n);
    spawnSync('sync');
    const sample = runOnce(tool.command(env, { ...baseEnv(root), ...env }));
    if (sample.status !== 0) throw new Error(`${tool.method} exited ${sample.status}${sample.timedOut ? ' (timeout)' : ''}: ${sample.lastError.slice(0, 200)}`);
    return { sample, left: readdirSync(env.NIX_STORE_DIR).filter((e) => e !== '.links').length };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function measureGc(opts: GcOptions): Row[] {
  const vsPeer: Baseline = opts.peer === null ? 'none' : { method: GC_PEER, label: 'fast-nix-gc' };
  const tools: Tool[] = [{ method: GC_STOREGC, baseline: vsPeer, command: (_env, env) => storegc(env, ['gc', '--quiet']) }];
  const rows: Row[] = [];
  if (opts.peer === null) rows.push(missingRow(GC_PEER, opts.n, 'none', 'skipped', 'fast-nix-gc not found (see --peer)'));
  else {
    const peer = opts.peer;
    tools.push({ method: GC_PEER, baseline: 'none', command: (env, base) => ({ command: peer, args: ['--store-dir', env.NIX_STORE_DIR, '--state-dir', env.NIX_STATE_DIR], env: base }) });
  }
  if (opts.skipNix) rows.push(missingRow(GC_NIX, opts.n, 'none', 'skipped', '--skip-nix'));
  else tools.push({ method: GC_NIX, baseline: 'none', command: (_env, env) => ({ command: 'nix-store', args: ['--gc'], env, timeoutMs: NIX_TIMEOUT_MS }) });

  const samples = new Map<string, Sample[]>(tools.map((t) => [t.method, []]));
  const left = new Map<string, number[]>(tools.map((t) => [t.method, []]));
  const failed = new Map<string, string>();
  for (let i = 0; i < opts.runs; i++) {
    for (const tool of tools) {
      if (failed.has(tool.method)) continue;
      process.stderr.write(`  ${tool.method}, ${opts.n} dead paths, run ${i + 1} ...`);
      try {
        const r = once(tool, opts.n, opts.diskDir);
        samples.get(tool.method)!.push(r.sample);
        left.get(tool.method)!.push(r.left);
        process.stderr.write(` ${(r.sample.ms / 1000).toFixed(2)} s\n`);
      } catch (error) {
        failed.set(tool.method, (error as Error).message);
        process.stderr.write(' failed\n');
      }
    }
  }
  for (const tool of tools) {
    const why = failed.get(tool.method);
    if (why !== undefined) {
      rows.push(missingRow(tool.method, opts.n, tool.baseline, 'failed', why.slice(0, 160)));
      continue;
    }
    const l = left.get(tool.method)!;
    const note = `${cpuNote(samples.get(tool.method)!)}; on ${opts.diskDir}; entries left ${[...new Set(l)].join('/')}${l.every((x) => x === 1) ? '' : ' (1 expected: the rooted path)'}`;
    rows.push(...summarise({ method: tool.method, size: opts.n, baseline: tool.baseline, runs: opts.runs }, samples.get(tool.method)!, note));
  }
  return rows;
}
