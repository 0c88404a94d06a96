/**
 * What one `storegc gc` run decided and did: the value the history database stores and the
 * metrics file renders. Plain data, filled in by the pipeline as the run goes (issue 9); sizes
 * are bigint bytes, times are Unix seconds (fractional), durations seconds.
 */
import type { RootKind } from '../roots/types.js';
import { KEEP_POLICIES } from '../policy/keptByPolicy.js';
import type { KeepPolicy } from '../policy/keptByPolicy.js';

/** The phases a run reports durations for, in run order; metrics export each one (0 when absent). */
export const PHASES = ['lock', 'roots', 'graph', 'liveness', 'generations', 'auto_roots', 'plan', 'delete', 'links', 'vacuum'] as const;
export type Phase = (typeof PHASES)[number];

/** The policies that can keep a dead path; metrics export each one. */
export const POLICIES = KEEP_POLICIES;
export type Policy = KeepPolicy;

export const ROOT_KINDS: readonly RootKind[] = ['symlink', 'file', 'indirect', 'runtime', 'temp'];

/** What started the run: a person, the systemd timer, `storegc watch`, or a library caller. */
export type Trigger = 'manual' | 'timer' | 'watch' | 'api';

/**
 * 'running' is written at the start, so a run killed mid-way stays visible as such;
 * 'skipped': --min-free said there was enough free space (see `cause`).
 */
export type Outcome = 'running' | 'success' | 'skipped' | 'failed';

export interface RunTargets {
  /** --ensure-free as given (`30%`, `50G`) and resolved to bytes against the file system. */
  readonly ensureFree?: { readonly spec: string; readonly bytes: bigint } | undefined;
  readonly minFree?: { readonly spec: string; readonly bytes: bigint } | undefined;
  readonly maxFreed?: bigint | undefined;
}

export interface RunRecord {
  readonly startedAt: number;
  readonly finishedAt?: number | undefined;
  readonly trigger: Trigger;
  readonly dryRun: boolean;
  readonly outcome: Outcome;
  /** The StoregcError code and its one-line message when outcome is 'failed'. */
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  readonly targets: RunTargets;
  readonly freeBefore?: bigint | undefined;
  readonly freeAfter?: bigint | undefined;
  /** undefined without a target; false with the shortfall and its cause when it was not met. */
  readonly targetMet?: boolean | undefined;
  readonly shortfallBytes?: bigint | undefined;
  readonly cause?: string | undefined;
  readonly phases: Readonly<Partial<Record<Phase, number>>>;
  readonly rootsByKind: Readonly<Partial<Record<RootKind, number>>>;
  readonly deadPathsFound: number;
  readonly pathsDeleted: number;
  readonly bytesDeleted: bigint;
  readonly generationsRemoved: readonly { readonly profile: string; readonly generation: number; readonly link: string }[];
  readonly autoRootsRemoved: readonly { readonly link: string; readonly target: string }[];
  /** Per policy in effect, the otherwise dead paths it kept and their narSize. */
  readonly keptByPolicy: Readonly<Partial<Record<Policy, { readonly paths: number; readonly narSize: bigint }>>>;
  /** Which dead paths went first (absent in records written before --order existed). */
  readonly order?: 'nix' | 'lru' | undefined;
  readonly dbBytes?: bigint | undefined;
  readonly walBytes?: bigint | undefined;
}
