/**
 * `storegc gc --dry-run` beside `fast-nix-gc --dry-run` on the same tree, in the same run: the
 * collector's whole analysis, which uses none of storegc's caches (it reads the database, the
 * roots and the store in full, holding nothing back), so it is the fair comparison with a peer
 * that keeps none. One untimed round, then `runs` rounds of both, back to back. The note gives
 * each tool's count from its summary line (storegc's includes unregistered entries it would
 * delete, as Nix's does).
 */
import { runOnce } from '../hydra/measure.js';
import type { Command, Sample } from '../hydra/measure.js';
import { missingRow } from '../hydra/rows.js';
import type { Baseline, Row } from '../hydra/rows.js';
import { summarise } from '../hydra/series.js';
import { storegc } from '../hydra/storegc.js';
import { cpuNote } from './cpu.js';
import type { PeerContext } from './dead.js';

export const GC_DRY = 'storegc gc --dry-run (no caches)';
export const PEER_DRY = 'fast-nix-gc --dry-run, beside gc --dry-run';

/** The number a summary line starts with (`N store paths would be deleted ...`), from the last such line. */
function countOf(stdout: string): number | null {
  const line = stdout.split('\n').reverse().find((l) => / store paths would be deleted/.test(l));
  return line === undefined ? null : Number(line.trim().split(' ')[0]);
}

export function measureGcDryRun(ctx: PeerContext): Row[] {
  const size = ctx.tree.info.paths;
  const { layout } = ctx.tree;
  const ours: Command = { ...storegc(ctx.env, ['gc', '--dry-run']), captureStdout: true };
  const theirs: Command | null = ctx.peer === null ? null : { command: ctx.peer, args: ['--dry-run', '--store-dir', layout.store, '--state-dir', layout.state], env: ctx.env, captureStdout: true };
  const baseline: Baseline = theirs === null ? 'none' : { method: PEER_DRY, label: 'fast-nix-gc' };
  const samples: Sample[] = [];
  const peerSamples: Sample[] = [];
  let counts = '';
  process.stderr.write('  gc --dry-run beside fast-nix-gc --dry-run ...');
  try {
    for (let i = 0; i <= ctx.runs; i++) {
      const s = runOnce(ours);
      if (s.status !== 0) throw new Error(`storegc gc --dry-run exited ${s.status}: ${s.lastError.slice(0, 160)}`);
      const p = theirs === null ? null : runOnce(theirs);
      if (p !== null && p.status !== 0) throw new Error(`fast-nix-gc --dry-run exited ${p.status}: ${p.lastError.slice(0, 160)}`);
      counts = `would delete ${countOf(s.stdout)}${p === null ? '' : ` (fast-nix-gc: ${countOf(p.stdout)})`}`;
      if (i > 0) {
        samples.push({ ...s, stdout: '' });
        if (p !== null) peerSamples.push({ ...p, stdout: '' });
      }
    }
  } catch (error) {
    process.stderr.write(' failed\n');
    const note = (error as Error).message;
    return [missingRow(GC_DRY, size, baseline, 'failed', note), ...(theirs === null ? [] : [missingRow(PEER_DRY, size, 'none', 'failed', note)])];
  }
  const median = (list: Sample[]): string => (list.map((s) => s.ms).sort((a, b) => a - b)[list.length >> 1]! / 1000).toFixed(2);
  process.stderr.write(` ${median(samples)} s${peerSamples.length > 0 ? ` vs ${median(peerSamples)} s` : ''}\n`);
  return [
    ...summarise({ method: GC_DRY, size, baseline, runs: ctx.runs }, samples, `${cpuNote(samples)}; ${counts}`),
    ...(theirs === null ? [missingRow(PEER_DRY, size, 'none', 'skipped', 'fast-nix-gc not found (see --peer)')] : summarise({ method: PEER_DRY, size, baseline: 'none', runs: ctx.runs }, peerSamples, cpuNote(peerSamples))),
  ];
}
