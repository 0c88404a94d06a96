/**
 * Prometheus text exposition (format 0.0.4) of the last run, for node_exporter's textfile
 * collector. Pure: a run record in, text out. Everything is a gauge describing the last run
 * (the file is rewritten per run, so counters would reset anyway); every series that can appear
 * is always written, as 0 when the run did not produce it, so alerts and dashboards never see a
 * series vanish. Names are `storegc_*` with base-unit suffixes (`_seconds`, `_bytes`).
 */
import { PHASES, POLICIES, ROOT_KINDS } from './runRecord.js';
import type { RunRecord } from './runRecord.js';

type Value = number | bigint | boolean | undefined;
type Sample = readonly [Readonly<Record<string, string>>, Value];

function num(v: Value): string {
  if (v === undefined) return '0';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return typeof v === 'bigint' ? v.toString() : Number.isFinite(v) ? String(v) : '0';
}

/** A policy's label value: Prometheus style, keepRecent -> keep_recent. */
function label(policy: string): string {
  return policy.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

class Exposition {
  private readonly lines: string[] = [];

  gauge(name: string, help: string, samples: readonly Sample[] | Value): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    const list: readonly Sample[] = Array.isArray(samples) ? (samples as readonly Sample[]) : [[{}, samples as Value]];
    for (const [labels, v] of list) {
      const l = Object.entries(labels).map(([k, x]) => `${k}="${escapeLabel(x)}"`).join(',');
      this.lines.push(`${name}${l === '' ? '' : `{${l}}`} ${num(v)}`);
    }
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** @param lastSuccessAt when the newest successful run finished (this one or an earlier one; from the history). */
export function renderMetrics(run: RunRecord, lastSuccessAt: number | undefined): string {
  const success = run.outcome === 'success' || run.outcome === 'skipped';
  const duration = run.finishedAt === undefined ? undefined : run.finishedAt - run.startedAt;
  return new Exposition()
    .gauge('storegc_last_run_timestamp_seconds', 'When the last storegc gc run started, as a Unix time.', run.startedAt)
    .gauge('storegc_last_success_timestamp_seconds', 'When the last storegc gc run that succeeded finished, as a Unix time (0: never).', lastSuccessAt)
    .gauge('storegc_last_run_success', 'Whether the last run succeeded (1), including a run --min-free skipped, or failed or was interrupted (0).', success)
    .gauge('storegc_last_run_dry_run', 'Whether the last run was a dry run, which changes nothing.', run.dryRun)
    .gauge('storegc_last_run_duration_seconds', 'Wall-clock duration of the last run.', duration)
    .gauge('storegc_last_run_phase_duration_seconds', 'Duration of each phase of the last run (0: phase not run).', PHASES.map((phase) => [{ phase }, run.phases[phase]] as const))
    .gauge('storegc_last_run_deleted_paths', 'Store paths the last run deleted (would delete, in a dry run).', run.pathsDeleted)
    .gauge('storegc_last_run_deleted_bytes', 'Bytes the last run freed by deleting store paths.', run.bytesDeleted)
    .gauge('storegc_last_run_dead_paths', 'Dead store paths the last run found.', run.deadPathsFound)
    .gauge('storegc_last_run_generations_removed', 'Profile generations the last run removed.', run.generationsRemoved.length)
    .gauge('storegc_last_run_auto_roots_removed', 'Auto roots (gcroots/auto) the last run removed.', run.autoRootsRemoved.length)
    .gauge('storegc_free_before_bytes', "Free bytes on the store's file system when the last run started.", run.freeBefore)
    .gauge('storegc_free_after_bytes', "Free bytes on the store's file system when the last run ended.", run.freeAfter)
    .gauge('storegc_target_bytes', 'Free-space targets of the last run in bytes (0: none given).', [[{ target: 'ensure_free' }, run.targets.ensureFree?.bytes], [{ target: 'min_free' }, run.targets.minFree?.bytes]] as const)
    .gauge('storegc_target_met', 'Whether the last run met its free-space target (1 also when it had none).', run.targetMet ?? true)
    .gauge('storegc_target_shortfall_bytes', 'Bytes still missing to the free-space target after the last run.', run.shortfallBytes)
    .gauge('storegc_roots', 'GC roots found by the last run, by kind.', ROOT_KINDS.map((kind) => [{ kind }, run.rootsByKind[kind]] as const))
    .gauge('storegc_kept_by_policy_paths', 'Otherwise dead store paths a policy (keep_recent, generations, budget) kept in the last run.', POLICIES.map((policy) => [{ policy: label(policy) }, run.keptByPolicy[policy]?.paths] as const))
    .gauge('storegc_kept_by_policy_bytes', 'narSize of the otherwise dead store paths a policy kept in the last run.', POLICIES.map((policy) => [{ policy: label(policy) }, run.keptByPolicy[policy]?.narSize] as const))
    .gauge('storegc_database_size_bytes', "Size of the Nix database file after the last run.", run.dbBytes)
    .gauge('storegc_database_wal_size_bytes', "Size of the Nix database's write-ahead log after the last run.", run.walBytes)
    .text();
}
