/**
 * The program (bundled into dist/cli/storegc-program.cjs, which launch.ts runs): runs the
 * command, prints what handlers return, and is the one place that maps errors to exit codes:
 * 0 success, 1 failure while running, 2 bad usage or configuration.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { armCrashPoints } from '../collect/crashPoint.js';
import type { Command } from 'commander';
import { StoregcError } from '../errors.js';
import { RENDERERS } from '../report/index.js';
import { writeStdoutNow } from './stdoutNow.js';
import { display } from '../store/bytes.js';
import { settleWrites } from '../store/writeBehind.js';
import { buildProgram } from './program.js';
import type { Outcome, Runtime } from './program.js';
import { progressView } from './progressView.js';
import { formatMiB } from '../report/mib.js';
import { keptByPolicyText } from '../report/keptByPolicy.js';
import { indexUseLine } from '../report/indexText.js';
import { SCHEMA_VERSION } from '../report/json.js';
import type { Skipped } from '../collect/executePlan.js';

let commandExit = 0;

/**
 * --quiet hides progress and notes only: warnings and failures are always printed, on stderr.
 */
function print({ report, format, quiet, exitCode }: Outcome): void {
  if (exitCode !== undefined) commandExit = exitCode;
  for (const finding of report.findings) process.stderr.write(`storegc: warning: ${display(finding.message)}\n`);
  if (quiet !== true && (report.command === 'roots' || report.command === 'live' || report.command === 'dead' || report.command === 'why' || report.command === 'root-sizes' || report.command === 'report') && report.index !== undefined) {
    process.stderr.write(`storegc: ${indexUseLine(report.index)}\n`);
  }
  if (report.command === 'gc' || report.command === 'delete') {
    for (const s of report.skipped) process.stderr.write(`storegc: warning: ${skippedLine(s, report.dryRun)}\n`);
    if (report.database?.note != null) process.stderr.write(`storegc: note: ${report.database.note}\n`);
    if (report.interrupted !== null) process.stderr.write(`storegc: stopped by ${report.interrupted}: the summary below counts what was deleted; the next run deletes the rest\n`);
    if (quiet !== true && report.dryRun) {
      for (const a of report.autoRootsRemoved) process.stderr.write(`would remove aged root '${display(a.target)}' and its link '${display(a.link)}'\n`);
      for (const link of report.staleLinksRemoved) process.stderr.write(`would remove stale link '${display(link)}'\n`);
      if (report.linksRemoved > 0) process.stderr.write(`would remove ${report.linksRemoved} unused .links entries\n`);
    }
    if (quiet !== true && !report.dryRun && report.interrupted === null) {
      process.stderr.write(`note: currently hard linking saves ${formatMiB(report.linksSavedBytes)} MiB\n`);
    }
    // A real run's stdout is Nix's summary line alone; a dry run's report says it itself.
    const kept = keptByPolicyText(report.keptByPolicy);
    if (quiet !== true && !report.dryRun && format === 'text' && kept !== undefined) process.stderr.write(`storegc: note: ${kept}\n`);
  }
  if (report.command === 'watch') {
    if (report.event === 'check' && report.run !== undefined) {
      for (const s of report.run.skipped) process.stderr.write(`storegc: warning: ${skippedLine(s, false)}\n`);
      if (report.run.database?.note != null) process.stderr.write(`storegc: note: ${report.run.database.note}\n`);
    }
    if (report.event === 'check' && report.error !== undefined) process.stderr.write(`storegc: warning: a run failed and is recorded as such; watch goes on: ${report.error.message}\n`);
    if (report.event === 'stopped') process.stderr.write(`storegc: watch stopped by ${report.signal}${report.interruptedRun ? ', which stopped the run in progress (the next run deletes the rest)' : ''}\n`);
  }
  // A report of a row per root comes in pieces, each written before the next is made in the same memory.
  let pieces = false;
  const rest = RENDERERS[format](report, (bytes) => {
    pieces = true;
    writeStdoutNow(bytes);
  });
  if (pieces) writeStdoutNow(rest);
  else process.stdout.write(rest);
}

/** What a kept path means, per reason, in words a user can act on. */
function skippedLine(s: Skipped, dryRun: boolean): string {
  const path = `'${display(s.path)}'`;
  const kept = dryRun ? 'would keep' : 'kept';
  switch (s.reason) {
    case 'delete-failed':
      return s.rowRemoved === true
        ? `could not delete ${path} (${s.detail ?? 'error'}); its database row is already removed, so the next run deletes what is left once the cause is fixed`
        : `could not delete ${path} (${s.detail ?? 'error'}); it is not registered, so the next run tries again once the cause is fixed`;
    case 'temp-root':
      return `${kept} ${path}: a running Nix process protected it with a temporary root during the run`;
    case 'in-use':
      return `${kept} ${path}: ${s.detail ?? 'the database still refers to it (a referrer a Nix client added during the run, or a row such as RealisationsRefs that restricts its removal)'}`;
    case 'closure-kept':
      return `${kept} ${path}: a path kept during the run refers to it`;
    case 'reference-cycle':
      return `${kept} ${path}: it is part of a reference cycle among dead paths (Nix 2.8 aborts here)`;
  }
}

const runtime: Runtime = {
  progress: (mode) => progressView(mode === 'quiet' ? 'quiet' : process.stderr.isTTY ? 'bar' : 'lines'),
  ...testHooks(process.env),
};

/**
 * The test hooks, read here and nowhere else: STOREGC_TEST_CRASH_AT=K arms the crash points
 * (collect/crashPoint.ts), STOREGC_TEST_CRASH_TRACE=FILE lists the points reached there (`N
 * LABEL` lines); STOREGC_TEST_HOLD=FILE makes gc, holding gc.lock and serving the
 * socket with its roots read, create FILE.held and wait until FILE is removed (like Nix's
 * _NIX_TEST_GC_SYNC).
 */
function testHooks(env: NodeJS.ProcessEnv): Pick<Runtime, 'pauseForTests'> {
  armCrashPoints(Number(env.STOREGC_TEST_CRASH_AT ?? 0), env.STOREGC_TEST_CRASH_TRACE);
  const file = env.STOREGC_TEST_HOLD;
  if (file === undefined || file === '') return {};
  return {
    pauseForTests: async () => {
      writeFileSync(`${file}.held`, `${process.pid}\n`);
      while (existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}

/**
 * Runs the command, then waits for the cache files still being written on a thread
 * (writeBehind.ts): the process must not end before they are renamed into place.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await runCommand(argv);
  } finally {
    endWrites();
  }
}

/** Cache writes in progress waited for; one that failed is a warning (the next run reads in full). */
function endWrites(): void {
  for (const { file, error } of settleWrites()) {
    process.stderr.write(`storegc: warning: cannot write the cache file '${display(file)}' (${error.message}); the next run reads the database in full\n`);
  }
}

async function runCommand(argv: readonly string[]): Promise<number> {
  const program = buildProgram(process.env, print, runtime);
  // Under --json every outcome is JSON on stdout, errors included (stderr keeps its one line).
  const json = argv.includes('--json');
  let usage = '';
  const output = {
    writeErr: (text: string) => {
      usage += text;
      process.stderr.write(text.startsWith('error:') ? `storegc: ${text}` : text);
    },
  };
  // Subcommands copy the output settings when they are added: set them on every one.
  const configure = (cmd: Command): void => {
    cmd.configureOutput(output);
    cmd.commands.forEach(configure);
  };
  configure(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return commandExit;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      if (json) writeJsonError(program, argv, { code: 'usage', path: null, message: usage.trim().replace(/^error: /, ''), hint: 'see storegc --help' });
      return 2;
    }
    if (error instanceof StoregcError) {
      process.stderr.write(`${error.line()}\n`);
      if (json) writeJsonError(program, argv, { code: error.code, path: error.path ?? null, message: error.message, hint: error.hint });
      return error.exitCode;
    }
    // A bug, not bad input: one line; the stack only on request.
    const detail = process.env.STOREGC_DEBUG ? (error as Error).stack : (error as Error).message;
    process.stderr.write(`storegc: internal error: ${detail ?? String(error)}; please report it (STOREGC_DEBUG=1 shows the stack)\n`);
    if (json) writeJsonError(program, argv, { code: 'internal', path: null, message: (error as Error).message ?? String(error), hint: 'please report it (STOREGC_DEBUG=1 shows the stack)' });
    return 1;
  }
}

/** The JSON error object: `{ schemaVersion, command, error: { code, path, message, hint } }`. */
function writeJsonError(program: Command, argv: readonly string[], error: { code: string; path: string | null; message: string; hint: string }): void {
  const names = new Set(program.commands.map((c) => c.name()));
  const at = argv.findIndex((a) => names.has(a));
  const command = at === -1 ? null : argv[at] === 'index' && argv[at + 1] !== undefined && !argv[at + 1]!.startsWith('-') ? `index ${argv[at + 1]}` : argv[at]!;
  const body = { schemaVersion: SCHEMA_VERSION, command, error };
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
}

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    endWrites();
    process.exit(0);
  }
  throw error;
});

// Not a top-level await: the bundle is CommonJS, for V8's code cache (codeCache.ts).
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
