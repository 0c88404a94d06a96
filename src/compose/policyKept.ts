/**
 * Part of the `gc` composition: what the root-adding policies kept (policy/keptByPolicy.ts).
 * Each policy in effect costs one more liveness computation over the same snapshot, with that
 * policy's roots left out; a run without --keep-recent and generation flags computes none.
 */
import type { Settings } from '../config/settings.js';
import type { StoreGraph } from '../graph/storeGraph.js';
import { computeLiveness } from '../liveness/classify.js';
import type { Liveness } from '../liveness/classify.js';
import type { StoreEntries } from '../liveness/storeEntries.js';
import { keptByRoots } from '../policy/keptByPolicy.js';
import type { KeptByPolicy, KeptTally } from '../policy/keptByPolicy.js';
import { KEEP_RECENT_LINK } from '../policy/keepRecent.js';
import type { Root, RootSet } from '../roots/types.js';
import { withoutRoots } from '../roots/someRoots.js';

export interface RootPolicies {
  /** --keep-recent was given. */
  readonly keepRecent: boolean;
  /** Generation flags were given: the generation links they leave that `-d` would remove. */
  readonly retainedGenerations: readonly string[] | undefined;
}

export function keptByRootPolicies(graph: StoreGraph, rootSet: RootSet, entries: StoreEntries, settings: Settings, full: Liveness, policies: RootPolicies): KeptByPolicy {
  const without = (leaveOut: (r: Root) => boolean): KeptTally =>
    keptByRoots(full, computeLiveness(graph, { ...rootSet, ...withoutRoots(rootSet, leaveOut) }, entries, settings));
  const out: { -readonly [K in keyof KeptByPolicy]: KeptByPolicy[K] } = {};
  if (policies.keepRecent) out.keepRecent = without((r) => r.kind === 'policy' && r.link === KEEP_RECENT_LINK);
  if (policies.retainedGenerations !== undefined) {
    const retained = new Set(policies.retainedGenerations);
    out.generations = retained.size === 0 ? { paths: 0, narSize: 0 } : without((r) => retained.has(r.link));
  }
  return out;
}
