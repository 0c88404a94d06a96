/**
 * Issue 8's targets against fast-nix-gc, and issue 10's `roots --sizes` against `dead`, judged
 * from the rows of one run (pure). A target whose
 * inputs were not measured (size not in the run, peer absent, --skip-nix) is "n/a", never met.
 * Times are wall-time medians; RSS is the peak over a row's timed runs.
 */
import { NIX_DEAD } from '../hydra/baselines.js';
import { sizeLabel } from '../hydra/options.js';
import { find } from '../hydra/rows.js';
import type { Row } from '../hydra/rows.js';
import { fmt, ratio } from '../hydra/targets.js';
import type { Target } from '../hydra/targets.js';
import type { Check } from './dead.js';
import { CHANGED, COLD, peerMethod, storegcMethod, WARM } from './dead.js';
import { GC_NIX, GC_PEER, GC_STOREGC } from './gc.js';
import { SIZES_DEAD, SIZES_JSON, SIZES_TEXT } from './sizes.js';

const LIMITS = [[WARM, 0.5], [COLD, 1.2], [CHANGED, 0.6]] as const;
const NIX_SIZE = 26_000;

function rssTarget(name: string, ours: Row | undefined, theirs: Row | undefined): Target {
  if (ours?.rssMiB == null || theirs?.rssMiB == null) return { name, value: 'not measured', pass: null };
  return { name, value: `${ours.rssMiB.toFixed(0)} vs ${theirs.rssMiB.toFixed(0)} MiB`, pass: ours.rssMiB <= theirs.rssMiB };
}

export function judgePeerTargets(rows: readonly Row[], checks: readonly Check[], gcPaths: number): Target[] {
  const targets: Target[] = [];
  for (const size of [200_000, 1_300_000]) {
    for (const [state, limit] of LIMITS) {
      targets.push(ratio(`${storegcMethod(state)} <= ${limit} x fast-nix-gc (${sizeLabel(size)})`, find(rows, storegcMethod(state), size), find(rows, peerMethod(state), size), (r) => r <= limit));
    }
  }
  for (const [state] of LIMITS) {
    targets.push(rssTarget(`peak RSS, ${storegcMethod(state)} <= fast-nix-gc's (1300k)`, find(rows, storegcMethod(state), 1_300_000), find(rows, peerMethod(state), 1_300_000)));
  }
  const gc = find(rows, GC_STOREGC, gcPaths);
  targets.push(ratio(`storegc gc <= 1.0 x fast-nix-gc, ${sizeLabel(gcPaths)} dead paths on disk`, gc, find(rows, GC_PEER, gcPaths), (r) => r <= 1));
  targets.push(ratio(`storegc gc >= 5 x faster than nix-store --gc, ${sizeLabel(gcPaths)} dead paths on disk`, find(rows, GC_NIX, gcPaths), gc, (r) => r >= 5));
  targets.push(ratio(`storegc dead (caches current) >= 20 x faster than nix-store --gc --print-dead (${sizeLabel(NIX_SIZE)})`, find(rows, NIX_DEAD, NIX_SIZE), find(rows, storegcMethod(WARM), NIX_SIZE), (r) => r >= 20));
  targets.push({ name: 'incremental roots rescan, 100 changed <= 30 % of a full scan', value: 'measured by `npm run bench` (bench/roots.ts)', pass: null });
  for (const state of [WARM, COLD]) {
    targets.push(ratio(`time at 1300k <= 12 x time at 100k: ${storegcMethod(state)}`, find(rows, storegcMethod(state), 1_300_000), find(rows, storegcMethod(state), 100_000), (r) => r <= 12));
  }
  for (const method of [SIZES_TEXT, SIZES_JSON]) {
    targets.push(ratio(`${method} <= 2 x storegc dead, same run (1300k)`, find(rows, method, 1_300_000), find(rows, SIZES_DEAD, 1_300_000), (r) => r <= 2));
  }
  const compared = checks.filter((c) => c.agree !== null);
  const bad = checks.filter((c) => c.agree === false || c.storegcExpected === false || c.peerExpected === false);
  targets.push(compared.length === 0
    ? { name: 'storegc and fast-nix-gc print the same dead set (every run)', value: 'not measured', pass: null }
    : { name: 'storegc and fast-nix-gc print the same dead set (every run)', value: `${compared.length - bad.length} of ${compared.length} runs agree`, pass: bad.length === 0 });
  return targets;
}

/** The ratios at sizes the issue names no target for: for reading, not judged. */
export function infoLines(rows: readonly Row[], sizes: readonly number[]): string[] {
  const out: string[] = [];
  for (const size of sizes) {
    for (const [state] of LIMITS) {
      const a = find(rows, storegcMethod(state), size);
      const b = find(rows, peerMethod(state), size);
      if (a?.medianMs == null || b?.medianMs == null) continue;
      out.push(`${sizeLabel(size).padStart(6)}  ${storegcMethod(state).padEnd(60)}  time ${fmt(a.medianMs / b.medianMs)}x  RSS ${a.rssMiB?.toFixed(0) ?? '?'} vs ${b.rssMiB?.toFixed(0) ?? '?'} MiB`);
    }
    const dead = find(rows, SIZES_DEAD, size);
    for (const method of [SIZES_TEXT, SIZES_JSON]) {
      const a = find(rows, method, size);
      if (a?.medianMs == null || dead?.medianMs == null) continue;
      out.push(`${sizeLabel(size).padStart(6)}  ${`${method} / storegc dead`.padEnd(60)}  time ${fmt(a.medianMs / dead.medianMs)}x  RSS ${a.rssMiB?.toFixed(0) ?? '?'} vs ${dead.rssMiB?.toFixed(0) ?? '?'} MiB`);
    }
  }
  return out;
}
