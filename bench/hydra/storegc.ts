/**
 * How the benchmark drives the built storegc CLI (dist/cli/storegc.js): which of the incremental
 * index's commands and flags this build has (they may not exist yet; missing ones become
 * "unavailable" rows), and the command lines for them.
 *
 * The index contract relied on: `index rebuild|update --index FILE --json` print one JSON object
 * with `entries`, `dirs`, `dirsRead`, `dirsReused`, `outsideLinks`, `scanMs`, `totalMs` and
 * perhaps `marginMs`, the age a directory's mtime must have, relative to a scan's start, before
 * the index trusts that directory's listing on the next scan.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { jsonFields, sleep } from './measure.js';
import type { Command, Sample } from './measure.js';

export const MAIN = join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'storegc.js');
export const DEFAULT_MARGIN_MS = 2_000;

export interface Features {
  /** `index rebuild` and `index update` exist. */
  readonly index: boolean;
  /** `roots`/`dead` accept `--index FILE`. */
  readonly indexFlag: boolean;
  /** `roots`/`dead` accept `--no-index`. */
  readonly noIndexFlag: boolean;
}

function help(args: readonly string[]): string {
  const run = spawnSync(process.execPath, [MAIN, ...args, '--help'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout : '';
}

export function detectFeatures(): Features {
  const index = help(['index']);
  const dead = help(['dead']);
  return {
    index: /\brebuild\b/.test(index) && /\bupdate\b/.test(index),
    indexFlag: /--index <\w+>/.test(dead),
    noIndexFlag: dead.includes('--no-index'),
  };
}

export function storegc(env: NodeJS.ProcessEnv, args: readonly string[]): Command {
  return { command: process.execPath, args: [MAIN, ...args], env };
}

/** `index rebuild|update` on one index file, JSON out, no /proc scan. */
export function indexCommand(env: NodeJS.ProcessEnv, verb: 'rebuild' | 'update', file: string, jobs?: number): Command {
  const jobArgs = jobs === undefined ? [] : ['--jobs', String(jobs)];
  return { ...storegc(env, ['index', verb, '--index', file, ...jobArgs, '--json', '--no-runtime-roots']), captureStdout: true };
}

/** Arguments that make `roots`/`dead` use (or not use) the index in `file`. */
export function indexUse(features: Features, file: string, use: boolean): string[] {
  if (!use) return features.noIndexFlag ? ['--no-index'] : [];
  return features.indexFlag ? ['--index', file] : [];
}

const SLACK_MS = 500;

/**
 * When the tree last changed, and how long to wait before an index scan may trust it: a scan
 * started within the margin of a change re-reads that directory on every later scan too, which
 * would blur the measurement.
 */
export class TreeClock {
  private changedAt = 0;
  private marginMs = DEFAULT_MARGIN_MS;

  touched(): void {
    this.changedAt = Date.now();
  }

  /** Takes the index's own margin from an `index` command's JSON output, if it states one. */
  learn(sample: Sample): void {
    const margin = jsonFields(sample.stdout).marginMs;
    if (margin !== undefined) this.marginMs = margin;
  }

  /** Blocks until the last change is older than the margin plus SLACK_MS. */
  settle(): void {
    sleep(this.changedAt + this.marginMs + SLACK_MS - Date.now());
  }
}
