/**
 * Executes a generation plan (src/policy/generations.ts): unlinks each `<profile>-<n>-link`, per
 * profile under the profile's lock `<profile>.lock` (flock, deleted afterwards), the lock nix-env
 * takes to add or switch generations, as Nix's deleteGenerations does (§12.4).
 *
 * Crash safety: any order is safe, so Nix's order is kept. Each generation link is one
 * independent root; a kill after any unlink leaves a subset of the plan done, and every link the
 * plan keeps (the current generation, the one active at the cutoff, the N newest) is still there,
 * so the next run reads the tree again and decides the same removals for what is left. The
 * profile symlink itself is never touched, and it points at the current generation, which is
 * never removed. A plan whose profile was switched after the snapshot is not executed for that
 * profile (checked under the lock): the generation it now points to may be in the plan.
 */
import { closeSync, constants, fstatSync, openSync, readlinkSync, unlinkSync, writeSync } from 'node:fs';
import { StoregcError, errnoOf } from '../errors.js';
import type { GenerationRemoval } from '../policy/generations.js';
import { display, fromBytes, fsPath } from '../store/bytes.js';
import { lockExclusive } from '../store/flock.js';
import { crashPoint } from './crashPoint.js';

export interface GenerationsResult {
  readonly removed: readonly GenerationRemoval[];
  /** Profiles left alone because their target changed since the plan was made. */
  readonly skippedProfiles: readonly string[];
}

/** Nix's PathLocks with deletion: retry when the file we locked was deleted by its last holder. */
function lockProfile(profile: string): number {
  for (;;) {
    const fd = openSync(fsPath(`${profile}.lock`), constants.O_RDWR | constants.O_CREAT, 0o600);
    lockExclusive(fd);
    if (fstatSync(fd).size === 0) return fd;
    closeSync(fd);
  }
}

function unlockProfile(profile: string, fd: number): void {
  try {
    unlinkSync(fsPath(`${profile}.lock`));
    writeSync(fd, 'd'); // tells a process waiting on this file that it is stale
  } finally {
    closeSync(fd);
  }
}

function readTarget(profile: string): string | undefined {
  try {
    return fromBytes(readlinkSync(fsPath(profile), { encoding: 'buffer' }));
  } catch {
    return undefined;
  }
}

export function removeGenerations(plan: readonly GenerationRemoval[]): GenerationsResult {
  const byProfile = new Map<string, GenerationRemoval[]>();
  for (const r of plan) {
    const list = byProfile.get(r.profile) ?? [];
    list.push(r);
    byProfile.set(r.profile, list);
  }
  const removed: GenerationRemoval[] = [];
  const skippedProfiles: string[] = [];
  for (const [profile, list] of byProfile) {
    const fd = lockProfile(profile);
    try {
      if (readTarget(profile) !== list[0]!.profileTarget) {
        skippedProfiles.push(profile);
        continue;
      }
      for (const r of list) {
        try {
          unlinkSync(fsPath(r.link));
        } catch (error) {
          // As Nix 2.8: a generation named other than `<profile>-<n>-link` (e.g. `-007-`) cannot be
          // removed by number, and that stops the run.
          throw new StoregcError('io', display(r.link), `cannot unlink generation link (${errnoOf(error) ?? String(error)})`, `remove or rename the generation links of ${display(profile)} by hand`);
        }
        removed.push(r);
        crashPoint('generation-unlinked');
      }
    } finally {
      unlockProfile(profile, fd);
    }
  }
  return { removed, skippedProfiles };
}
