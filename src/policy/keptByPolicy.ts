/**
 * What each retention policy kept of the paths that would otherwise be dead (issue 9): the
 * operator's answer to "what is --keep-recent (or my generations, or the budget) costing me?".
 * Pure.
 *
 * A policy that works by adding roots (`--keep-recent`; the generations that `-d`,
 * `--delete-older-than` and `--keep-generations` leave in place) kept exactly the paths that are
 * alive with every root and dead without that policy's roots: what dropping that policy alone
 * would free. A path two such policies both hold counts under neither. The budget
 * (`--max-freed`, `--ensure-free`) kept the dead paths the run stopped before.
 */
import type { Liveness } from '../liveness/classify.js';
import { narSizeOf } from '../liveness/classify.js';
import { ALIVE, DEAD } from '../liveness/markLive.js';

export const KEEP_POLICIES = ['keepRecent', 'generations', 'budget'] as const;
export type KeepPolicy = (typeof KEEP_POLICIES)[number];

/** Paths kept, and the sum of their narSize (the database's; unregistered entries count 0). */
export interface KeptTally {
  readonly paths: number;
  readonly narSize: number;
}

/** Only the policies in effect for the run appear, each even when it kept nothing. */
export type KeptByPolicy = Readonly<Partial<Record<KeepPolicy, KeptTally>>>;

/**
 * The paths alive in `full` that are dead in `without`: the liveness of the same snapshot
 * computed with one policy's roots left out.
 */
export function keptByRoots(full: Liveness, without: Liveness): KeptTally {
  let paths = 0;
  let narSize = 0;
  const { nodes } = full;
  for (let id = 0; id < nodes.size; id++) {
    if ((full.state[id]! & ALIVE) === 0) continue;
    const other = nodes.isValid(id) ? id : without.nodes.internedId(nodes.pathOf(id));
    if (other === undefined || (without.state[other]! & (DEAD | ALIVE)) !== DEAD) continue;
    paths++;
    narSize += narSizeOf(nodes, id) ?? 0;
  }
  return { paths, narSize };
}

/**
 * The entries a budget stopped the run before.
 * @param entries the plan's junk then its steps, in deletion order.
 * @param stop the index of the first entry the run did not reach; undefined when no budget stopped it.
 */
export function keptByBudget(entries: readonly { readonly narSize: number | null }[], stop: number | undefined): KeptTally {
  let paths = 0;
  let narSize = 0;
  if (stop !== undefined) {
    for (let i = stop; i < entries.length; i++) {
      paths++;
      narSize += entries[i]!.narSize ?? 0;
    }
  }
  return { paths, narSize };
}
