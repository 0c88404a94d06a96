/**
 * `storegc dead` and `fast-nix-gc --dry-run` on the same tree, in three states, each run of one
 * tool right next to the same run of the other (one untimed warm-up run of both, then `runs`):
 *
 *  - no cache files: STATE/storegc/ and the per-user cache removed before every storegc run,
 *    which runs with `--no-index`;
 *  - caches current: storegc's default caches, made current by the warm-up run (after the tree
 *    has been still for the index's margin), then left alone;
 *  - after 1,000 registered and 100 deleted: from the caches-current state, every run changes
 *    the store as Nix would (nixChanges.ts), times both tools once on the changed store, undoes
 *    the change and runs storegc untimed so its caches are current again.
 *
 * fast-nix-gc keeps no caches; it is measured the same way in every state. Both tools scan /proc
 * for runtime roots (fast-nix-gc cannot be told not to). Every run's two dead sets are compared,
 * and after a change both are compared with what the change must give (the dead set before it,
 * minus the deleted paths, plus the registered ones, which nothing roots).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../../tests/support/prng.js';
import { markComplete } from '../hydra/generate.js';
import type { Tree } from '../hydra/generate.js';
import { runOnce } from '../hydra/measure.js';
import type { Command, Sample } from '../hydra/measure.js';
import { missingRow } from '../hydra/rows.js';
import type { Baseline, Row } from '../hydra/rows.js';
import { summarise } from '../hydra/series.js';
import { storegc } from '../hydra/storegc.js';
import type { TreeClock } from '../hydra/storegc.js';
import { deadSet, diffSets, peerCount, sameSet } from './deadSets.js';
import { changeStore } from './nixChanges.js';
import { cpuNote } from './cpu.js';
import type { StoreChange } from './nixChanges.js';

export const REGISTERED = 1000;
export const DELETED = 100;
export const STATES = ['no cache files', 'caches current', `after ${REGISTERED.toLocaleString('en')} registered + ${DELETED} deleted`] as const;
export type PeerState = (typeof STATES)[number];
export const [COLD, WARM, CHANGED] = STATES;

export const storegcMethod = (state: PeerState): string => `storegc dead${state === COLD ? ' --no-index' : ''}, ${state}`;
export const peerMethod = (state: PeerState): string => `fast-nix-gc --dry-run, ${state}`;

export interface PeerContext {
  readonly tree: Tree;
  readonly env: NodeJS.ProcessEnv;
  readonly runs: number;
  readonly clock: TreeClock;
  /** fast-nix-gc's executable, or null when it is absent. */
  readonly peer: string | null;
}

/** One run's comparison of the two dead sets (and with the expected set after a change). */
export interface Check {
  readonly size: number;
  readonly state: PeerState;
  readonly run: number;
  readonly storegcDead: number;
  readonly peerDead: number | null;
  /** The count in fast-nix-gc's summary line. */
  readonly peerSummary: number | null;
  /** null without the peer. */
  readonly agree: boolean | null;
  readonly onlyStoregc: readonly string[];
  readonly onlyPeer: readonly string[];
  /** After a change: how many paths it registered and deleted. */
  readonly registered?: number;
  readonly deleted?: number;
  /** After a change: each tool's set equals the expected set. */
  readonly storegcExpected?: boolean;
  readonly peerExpected?: boolean | null;
}

export interface StatesResult {
  readonly rows: Row[];
  readonly checks: Check[];
  /** Dead paths in the generated tree, as storegc printed them with caches current. */
  readonly dead: number | null;
}

/** Where storegc keeps caches for this tree: STATE/storegc/ and the per-user cache directory. */
export function cacheDirs(ctx: PeerContext): string[] {
  return [join(ctx.tree.layout.state, 'storegc'), join(String(ctx.env.XDG_CACHE_HOME ?? join(ctx.tree.layout.root, '.cache')), 'storegc')];
}

const SHOWN = 5;

function fail(tool: string, sample: Sample): never {
  throw new Error(`${tool} exited ${sample.status}: ${sample.lastError.slice(0, 200)}`);
}

export function measureStates(ctx: PeerContext): StatesResult {
  const { layout, plan, info } = ctx.tree;
  const size = info.paths;
  const rows: Row[] = [];
  const checks: Check[] = [];
  const peerCmd: Command | null = ctx.peer === null ? null : {
    command: ctx.peer,
    args: ['--dry-run', '--store-dir', layout.store, '--state-dir', layout.state],
    env: ctx.env,
    captureStdout: true,
  };
  let baseDead: Set<string> | null = null;

  for (const state of STATES) {
    const method = storegcMethod(state);
    const baseline: Baseline = peerCmd === null ? 'none' : { method: peerMethod(state), label: 'fast-nix-gc' };
    const cmd: Command = { ...storegc(ctx.env, ['dead', ...(state === COLD ? ['--no-index'] : [])]), captureStdout: true };
    const ours: Sample[] = [];
    const theirs: Sample[] = [];
    let mismatches = 0;
    process.stderr.write(`  ${state} ...`);
    try {
      if (state === CHANGED && baseDead === null) throw new Error('no dead set from the caches-current runs');
      for (let i = 0; i <= ctx.runs; i++) {
        if (state === COLD) for (const dir of cacheDirs(ctx)) rmSync(dir, { recursive: true, force: true });
        if (state === WARM && i === 0) ctx.clock.settle();
        let change: StoreChange | null = null;
        if (state === CHANGED) {
          rmSync(layout.marker, { force: true });
          change = changeStore(layout.store, layout.db, { register: REGISTERED, remove: DELETED, refsPerPath: plan.refsPerPath, dead: [...baseDead!], rng: createRng(plan.seed * 7 + i) });
        }
        try {
          const s = runOnce(cmd);
          if (s.status !== 0) fail('storegc dead', s);
          const p = peerCmd === null ? null : runOnce(peerCmd);
          if (p !== null && p.status !== 0) fail('fast-nix-gc', p);
          const check = compare(ctx, state, i, s, p, change, baseDead);
          if (check.agree === false || check.storegcExpected === false || check.peerExpected === false) mismatches++;
          checks.push(check);
          if (state === WARM) baseDead = deadSet(s.stdout, layout.store);
          if (i > 0) {
            ours.push({ ...s, stdout: '' });
            if (p !== null) theirs.push({ ...p, stdout: '' });
          }
        } finally {
          if (change !== null) {
            change.undo();
            markComplete(layout, info);
            const s = runOnce({ ...cmd, captureStdout: false });
            if (s.status !== 0) fail('storegc dead (bringing caches up to date)', s);
          }
        }
      }
    } catch (error) {
      process.stderr.write(' failed\n');
      const note = (error as Error).message.slice(0, 160);
      rows.push(missingRow(method, size, baseline, 'failed', note));
      if (peerCmd !== null) rows.push(missingRow(peerMethod(state), size, 'none', 'failed', note));
      continue;
    }
    const lastCheck = checks.at(-1)!;
    const changed = lastCheck.deleted === undefined ? '' : ` (${lastCheck.registered} registered, ${lastCheck.deleted} deleted)`;
    const note = `${cpuNote(ours)}; dead ${lastCheck.storegcDead}${changed}; ${peerCmd === null ? 'no peer' : mismatches === 0 ? 'same dead set as fast-nix-gc' : `DEAD SETS DIFFER in ${mismatches} runs`}`;
    rows.push(...summarise({ method, size, baseline, runs: ctx.runs }, ours, note));
    if (peerCmd === null) rows.push(missingRow(peerMethod(state), size, 'none', 'skipped', 'fast-nix-gc not found (see --peer)'));
    else rows.push(...summarise({ method: peerMethod(state), size, baseline: 'none', runs: ctx.runs }, theirs, `${cpuNote(theirs)}; dead ${lastCheck.peerDead}`));
    process.stderr.write(` ${(ours.map((s) => s.ms).sort((a, b) => a - b)[ours.length >> 1]! / 1000).toFixed(3)} s${theirs.length > 0 ? ` vs ${(theirs.map((s) => s.ms).sort((a, b) => a - b)[theirs.length >> 1]! / 1000).toFixed(3)} s` : ''}\n`);
  }
  return { rows, checks, dead: baseDead === null ? null : baseDead.size };
}

function compare(ctx: PeerContext, state: PeerState, run: number, s: Sample, p: Sample | null, change: StoreChange | null, baseDead: ReadonlySet<string> | null): Check {
  const store = ctx.tree.layout.store;
  const ours = deadSet(s.stdout, store);
  const theirs = p === null ? null : deadSet(p.stdout, store);
  const diff = theirs === null ? null : diffSets(ours, theirs);
  let expectations: Pick<Check, 'registered' | 'deleted' | 'storegcExpected' | 'peerExpected'> = {};
  if (change !== null && baseDead !== null) {
    const expected = new Set(baseDead);
    for (const path of change.deleted) expected.delete(path);
    for (const path of change.registered) expected.add(path);
    expectations = {
      registered: change.registered.length,
      deleted: change.deleted.length,
      storegcExpected: sameSet(diffSets(ours, expected)),
      peerExpected: theirs === null ? null : sameSet(diffSets(theirs, expected)),
    };
  }
  return {
    size: ctx.tree.info.paths,
    state,
    run,
    storegcDead: ours.size,
    peerDead: theirs?.size ?? null,
    peerSummary: p === null ? null : peerCount(p.stdout),
    agree: diff === null ? null : sameSet(diff) && (peerCount(p!.stdout) ?? -1) === theirs!.size,
    onlyStoregc: diff?.onlyA.slice(0, SHOWN) ?? [],
    onlyPeer: diff?.onlyB.slice(0, SHOWN) ?? [],
    ...expectations,
  };
}
