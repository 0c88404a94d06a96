/**
 * The command-line surface: commands and flags mapped to Options, handed to the pipeline.
 * Handlers return what to print; `main.ts` prints it and decides the exit code.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadNixConf } from '../config/loadConf.js';
import { resolveSettings } from '../config/settings.js';
import { readOwnFds } from '../roots/ownFds.js';
import type { Env, Options, Settings } from '../config/settings.js';
import type { Emit } from '../collect/progress.js';
import { StoregcError } from '../errors.js';
import { UNLIMITED } from '../collect/executePlan.js';
import type { GcReport } from '../compose/collect.js';
import { reportPaths, reportRoots } from '../compose/listPaths.js';
import type { SizeSort } from '../compose/insight.js';
import type { Format, Report } from '../report/index.js';
import { isRootSourceFailure } from '../roots/types.js';
import type { Finding } from '../roots/types.js';
import { fromText } from '../store/bytes.js';
import { addPolicyOptions, parseCount, policyRequest } from './policyFlags.js';
import type { PolicyFlags } from './policyFlags.js';

// Composers that `roots`, `live` and `dead` do not need are loaded when their command runs:
// loading them all costs every short run a start-up it can see.
type Collect = typeof import('../compose/collect.js');
type Insight = typeof import('../compose/insight.js');
const collectGarbage: Collect['collectGarbage'] = async (...a) => (await import('../compose/collect.js')).collectGarbage(...a);
const recordRun: typeof import('../compose/recordRun.js').recordRun = async (...a) => (await import('../compose/recordRun.js')).recordRun(...a);
const statusOf: typeof import('../compose/status.js').statusOf = async (...a) => (await import('../compose/status.js')).statusOf(...a);
const explainPaths: Insight['explainPaths'] = async (...a) => (await import('../compose/insight.js')).explainPaths(...a);
const reportRootSizes: Insight['reportRootSizes'] = async (...a) => (await import('../compose/insight.js')).reportRootSizes(...a);
const writeReportPage: typeof import('../compose/reportPage.js').writeReportPage = async (...a) => (await import('../compose/reportPage.js')).writeReportPage(...a);
type IndexCommands = typeof import('../compose/indexCommands.js');
const indexStatus = async (...a: Parameters<IndexCommands['indexStatus']>) => (await import('../compose/indexCommands.js')).indexStatus(...a);
const updateIndex: IndexCommands['updateIndex'] = async (...a) => (await import('../compose/indexCommands.js')).updateIndex(...a);
const verifyIndex: IndexCommands['verifyIndex'] = async (...a) => (await import('../compose/indexCommands.js')).verifyIndex(...a);
const watchStore: typeof import('../compose/watch.js').watchStore = async (...a) => (await import('../compose/watch.js')).watchStore(...a);
const readHistory = async (...a: Parameters<typeof import('../compose/history.js').readHistory>) => (await import('../compose/history.js')).readHistory(...a);
import { parseDuration } from '../policy/units.js';

export interface Outcome {
  readonly report: Report;
  readonly format: Format;
  /** --quiet: nothing but the report itself. */
  readonly quiet?: boolean;
  /**
   * Exit status when the command ran but found a problem to report (index verify: drift; gc: a
   * deletion failed) or was stopped by a signal (130 SIGINT, 143 SIGTERM).
   */
  readonly exitCode?: 0 | 1 | 130 | 143;
}

export type Handler = (outcome: Outcome) => void;

/** What the CLI supplies to long-running commands: where progress goes. */
export interface Runtime {
  readonly progress: (mode: 'quiet' | 'normal') => { emit: Emit; finish(): void };
  /** Test hook for `gc` and `delete` (see GcRequest.pauseForTests); absent in normal use. */
  readonly pauseForTests?: () => Promise<void>;
}

interface GcFlags extends CommonFlags, PolicyFlags {
  metricsFile?: string;
  vacuum?: boolean;
  dryRun?: boolean;
  quiet?: boolean;
  allowUnreadableRoots?: boolean;
  skipLive?: boolean;
}

/**
 * Nix's --max-freed syntax (reference §10.5): an integer with an optional K, M, G or T suffix
 * (powers of 1024, any case). Stricter than Nix, which reads a negative number as 0 and skips
 * blanks: a limit that is not what it looks like is refused.
 */
export function parseSize(value: string): bigint {
  const m = /^([0-9]+)([A-Za-z]?)$/.exec(value);
  if (m === null) throw new InvalidArgumentError(`'${value}' is not a size; use a non-negative number with an optional K, M, G or T suffix.`);
  const unit = m[2]!.toUpperCase();
  const shift = unit === '' ? 0n : unit === 'K' ? 10n : unit === 'M' ? 20n : unit === 'G' ? 30n : unit === 'T' ? 40n : undefined;
  if (shift === undefined) throw new InvalidArgumentError(`invalid unit specifier '${m[2]}'.`);
  const n = BigInt(m[1]!) << shift;
  return n > UNLIMITED ? UNLIMITED : n;
}

interface SizesFlags extends CommonFlags {
  sizes?: boolean;
  sort?: SizeSort;
  top?: number;
}

interface CommonFlags {
  storeDir?: string;
  stateDir?: string;
  confDir?: string;
  root?: string;
  keepOutputs?: boolean;
  keepDerivations?: boolean;
  runtimeRoots: boolean;
  jobs?: number;
  extraRoots?: string[];
  json?: boolean;
  index?: string | false;
  force?: boolean;
}

export function parseBoolFlag(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError("expected 'true' or 'false'.");
}

function parseJobs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** @param jsonFile `--json [file]`: with a file, the command writes its data there (`report`). */
function addCommonOptions(cmd: Command, jsonFile = false): Command {
  return cmd
    .option('--store-dir <dir>', 'logical store directory (default: $NIX_STORE_DIR or /nix/store)')
    .option('--state-dir <dir>', 'Nix state directory (default: $NIX_STATE_DIR or /nix/var/nix)')
    .option('--conf-dir <dir>', 'directory of nix.conf (default: $NIX_CONF_DIR or /etc/nix)')
    .option('--root <dir>', 'chroot-style store: files under DIR, logical paths unchanged')
    .addOption(new Option('--keep-outputs [bool]', 'a live derivation keeps its outputs (overrides nix.conf)').argParser(parseBoolFlag))
    .addOption(new Option('--keep-derivations [bool]', 'a live path keeps its deriver (overrides nix.conf)').argParser(parseBoolFlag))
    .option('--no-runtime-roots', 'do not scan /proc for store paths in use')
    .option('--jobs <n>', 'directories and links read in parallel', parseJobs)
    .option('--extra-roots <glob>', 'also scan matching trees for roots, like gcroots/ (repeatable)', collect)
    .option('--force', 'go on although the database does not seem to belong to the store directory')
    .option(jsonFile ? '--json [file]' : '--json', jsonFile ? 'write the page data to FILE as JSON (without FILE: a JSON summary on stdout)' : 'write a JSON report (schemaVersion 1) instead of Nix-compatible text');
}

/** Flags -> Options -> Settings. Exported for tests. */
export function settingsFrom(flags: CommonFlags, env: Env): Settings {
  const options: Options = {
    storeDir: flags.storeDir,
    stateDir: flags.stateDir,
    confDir: flags.confDir,
    root: flags.root,
    keepOutputs: flags.keepOutputs,
    keepDerivations: flags.keepDerivations,
    runtimeRoots: flags.runtimeRoots,
    jobs: flags.jobs,
    extraRoots: flags.extraRoots,
    index: flags.index,
    force: flags.force,
    // First, before this run opens anything in the store (src/roots/ownFds.ts).
    ownFds: flags.runtimeRoots === false ? undefined : readOwnFds('/proc'),
  };
  const draft = resolveSettings(options, env, []);
  return resolveSettings(options, env, loadNixConf(draft.confDir, env));
}

export function buildProgram(env: Env, handle: Handler, runtime: Runtime): Command {
  const program = new Command('storegc')
    .description('Fast, safe garbage collector and GC-roots reporter for Nix-style stores')
    .version('0.1.0')
    .showHelpAfterError(false)
    .exitOverride();

  const format = (flags: CommonFlags): Format => (flags.json === true ? 'json' : 'text');

  const indexOptions = (cmd: Command, jsonFile = false): Command => {
    addCommonOptions(cmd, jsonFile)
      .option('--index <file>', 'roots index file (default: STATE/storegc/roots-index.sqlite, else a per-user cache file)')
      .option('--no-index', 'scan every roots directory in full; neither read nor write an index');
    // Both flags write one value, so the last would silently win: refuse the pair instead.
    const given = new Set<string>();
    for (const flag of ['index', 'no-index']) {
      cmd.on(`option:${flag}`, () => {
        given.add(flag);
        if (given.size === 2) throw new StoregcError('usage', undefined, '--index and --no-index contradict each other', 'pass one of them');
      });
    }
    return cmd;
  };

  indexOptions(program.command('roots'))
    .description('list GC roots (== nix-store --gc --print-roots)')
    .option('--sizes', 'with each root (and group of roots) its closure and exclusive size')
    .addOption(new Option('--sort <key>', 'with --sizes: order of the rows').choices(['exclusive', 'closure', 'age', 'link']))
    .option('--top <n>', 'with --sizes: only the first N roots and groups', parseJobs)
    .action(async (flags: SizesFlags) => {
      if (flags.sizes !== true && (flags.sort !== undefined || flags.top !== undefined)) {
        throw new StoregcError('usage', undefined, '--sort and --top only apply to --sizes', 'add --sizes');
      }
      const settings = settingsFrom(flags, env);
      const report = flags.sizes === true ? await reportRootSizes(settings, flags.sort ?? 'exclusive', flags.top) : await reportRoots(settings);
      handle({ report, format: format(flags), exitCode: rootsIncomplete(report.findings) });
    });
  indexOptions(program.command('why'))
    .description('why each path is alive: the shortest chain from a root (or with --all, from every root that keeps it)')
    .argument('<paths...>', 'store paths')
    .option('--all', 'every root that keeps the path, each with its shortest chain')
    .action(async (paths: string[], flags: CommonFlags & { all?: boolean }) => {
      const report = await explainPaths(settingsFrom(flags, env), paths.map(fromText), flags.all === true);
      handle({ report, format: format(flags), exitCode: rootsIncomplete(report.findings) });
    });
  for (const command of ['live', 'dead'] as const) {
    indexOptions(program.command(command))
      .description(`list ${command} store paths (== nix-store --gc --print-${command})`)
      .action(async (flags: CommonFlags) => {
        const report = await reportPaths(settingsFrom(flags, env), command);
        handle({ report, format: format(flags), exitCode: rootsIncomplete(report.findings) });
      });
  }
  indexOptions(program.command('report'), true)
    .description('write a self-contained HTML page: totals, a treemap and table of roots by size, why-alive chains')
    .requiredOption('--html <file>', 'the page to write')
    .action(async (flags: Omit<CommonFlags, 'json'> & { html: string; json?: string | boolean }) => {
      const jsonFile = typeof flags.json === 'string' ? fromText(flags.json) : undefined;
      const report = await writeReportPage(settingsFrom({ ...flags, json: undefined }, env), fromText(flags.html), jsonFile);
      handle({ report, format: flags.json === true ? 'json' : 'text', exitCode: rootsIncomplete(report.findings) });
    });
  const index = program.command('index').description('the incremental roots index: a cache of roots directory listings');
  indexOptions(index.command('status'))
    .description('entries, age and reuse of the last scan')
    .action(async (flags: CommonFlags) => {
      handle({ report: await indexStatus(settingsFrom(flags, env)), format: format(flags) });
    });
  for (const action of ['update', 'rebuild'] as const) {
    indexOptions(index.command(action))
      .description(action === 'update' ? 'rescan the roots trees, reading only directories that changed' : 'rescan every roots directory and replace the index')
      .action(async (flags: CommonFlags) => {
        const report = await updateIndex(settingsFrom(flags, env), action === 'rebuild');
        // An index that could not be written is a failure of this command, whatever the scan found.
        handle({ report, format: format(flags), exitCode: report.use?.saved === true ? 0 : 1 });
      });
  }
  indexOptions(index.command('verify'))
    .description('compare the index with a full scan; print any drift and exit 1 on drift')
    .action(async (flags: CommonFlags) => {
      const report = await verifyIndex(settingsFrom(flags, env));
      handle({ report, format: format(flags), exitCode: (report.drift ?? []).length > 0 ? 1 : 0 });
    });

  const gcOptions = (cmd: Command): Command => addCommonOptions(cmd)
    .option('--dry-run', 'print what would be deleted and the bytes it would free; write nothing')
    .option('--quiet', 'print no progress (warnings and errors are still printed)')
    .option('--allow-unreadable-roots', 'collect even if some root entry cannot be read');

  addPolicyOptions(gcOptions(program.command('gc')), parseSize)
    .description('delete dead store paths (== nix-store --gc), beside a running Nix')
    .option('--metrics-file <file>', 'write Prometheus text exposition of this run for node_exporter\'s textfile collector (atomically)')
    .option('--no-vacuum', 'after collecting, only checkpoint the database\'s WAL; do not VACUUM it')
    .action(async (flags: GcFlags) => {
      const view = runtime.progress(flags.quiet === true || flags.json === true ? 'quiet' : 'normal');
      try {
        const settings = settingsFrom(flags, env);
        const metricsFile = flags.metricsFile === undefined ? undefined : absoluteFile('--metrics-file', flags.metricsFile);
        const record = { metricsFile, trigger: 'manual' as const, dryRun: flags.dryRun === true, maxFreed: flags.maxFreed };
        const report = await recordRun(settings, record, () => whileStoppable(flags.dryRun === true, (signal) => collectGarbage(settings, {
          dryRun: flags.dryRun === true,
          maxFreed: flags.maxFreed ?? UNLIMITED,
          allowUnreadableRoots: flags.allowUnreadableRoots === true,
          signal,
          ...(runtime.pauseForTests === undefined ? {} : { pauseForTests: runtime.pauseForTests }),
          ...policyRequest(flags),
          vacuum: flags.vacuum !== false,
        }, view.emit)));
        view.finish();
        handle({ report, format: format(flags), quiet: flags.quiet === true, exitCode: gcExitCode(report) });
      } finally {
        view.finish();
      }
    });

  addPolicyOptions(addCommonOptions(program.command('status')), parseSize)
    .description('the last gc run, and what gc with these flags would do now (would it fire, what it would free, which limit binds)')
    .option('--allow-unreadable-roots', 'as for gc')
    .action(async (flags: GcFlags) => {
      const settings = settingsFrom(flags, env);
      const report = await statusOf(settings, {
        dryRun: true,
        maxFreed: flags.maxFreed ?? UNLIMITED,
        allowUnreadableRoots: flags.allowUnreadableRoots === true,
        ...policyRequest(flags),
      });
      handle({ report, format: format(flags) });
    });

  addPolicyOptions(addCommonOptions(program.command('watch')), parseSize)
    .description('check free space every interval; below --min-free (required), collect as gc does with the same flags, backing off while runs free too little; SIGTERM or SIGINT stops it (exit 0)')
    .addOption(new Option('--interval <duration>', 'how often to check free space (60s, 5m, ...); doubled up to 1h after a run that freed under a tenth of its aim').argParser(parseInterval).default(60, '60s'))
    .option('--quiet', 'print no progress (warnings and errors are still printed)')
    .option('--allow-unreadable-roots', 'collect even if some root entry cannot be read')
    .option('--metrics-file <file>', 'after each run, write its Prometheus text exposition for node_exporter (atomically)')
    .option('--no-vacuum', 'after each run, only checkpoint the database\'s WAL; do not VACUUM it')
    .action(async (flags: GcFlags & { interval: number }) => {
      const { minFree } = flags;
      if (minFree === undefined) throw new StoregcError('usage', undefined, 'watch needs --min-free: the free space below which it collects', 'pass --min-free SIZE or N%, for example --min-free 10%');
      const settings = settingsFrom(flags, env);
      const metricsFile = flags.metricsFile === undefined ? undefined : absoluteFile('--metrics-file', flags.metricsFile);
      const quiet = flags.quiet === true;
      await untilStopped((signal) => watchStore(settings, {
        gc: {
          maxFreed: flags.maxFreed ?? UNLIMITED,
          allowUnreadableRoots: flags.allowUnreadableRoots === true,
          ...(runtime.pauseForTests === undefined ? {} : { pauseForTests: runtime.pauseForTests }),
          ...policyRequest(flags),
          vacuum: flags.vacuum !== false,
        },
        minFree,
        intervalSeconds: flags.interval,
        metricsFile,
        maxFreedFlag: flags.maxFreed,
        signal,
      }, {
        report: (report) => handle({ report, format: format(flags), quiet }),
        progress: () => runtime.progress(quiet || flags.json === true ? 'quiet' : 'normal'),
      }));
    });

  gcOptions(program.command('delete'))
    .description('delete the given store paths if they are dead (== nix-store --delete)')
    .argument('<paths...>', 'store paths to delete')
    .option('--skip-live', 'skip paths that are still alive instead of failing')
    .action(async (paths: string[], flags: GcFlags) => {
      const view = runtime.progress(flags.quiet === true || flags.json === true ? 'quiet' : 'normal');
      try {
        const settings = settingsFrom(flags, env);
        const report = await whileStoppable(flags.dryRun === true, (signal) => collectGarbage(settings, {
          dryRun: flags.dryRun === true,
          maxFreed: UNLIMITED,
          allowUnreadableRoots: flags.allowUnreadableRoots === true,
          paths: paths.map((p) => resolveArgPath(fromText(p))),
          skipLive: flags.skipLive === true,
          signal,
          ...(runtime.pauseForTests === undefined ? {} : { pauseForTests: runtime.pauseForTests }),
        }, view.emit));
        view.finish();
        handle({ report, format: format(flags), quiet: flags.quiet === true, exitCode: gcExitCode(report) });
      } finally {
        view.finish();
      }
    });
  addCommonOptions(program.command('history'))
    .description('past gc runs, newest first, from STATE/storegc/history.sqlite')
    .option('-n <count>', 'how many runs (default 20)', (v: string) => parseCount('-n', v))
    .action(async (flags: CommonFlags & { n?: number }) => {
      handle({ report: await readHistory(settingsFrom(flags, env), flags.n ?? 20), format: format(flags) });
    });
  return program;
}

/** `watch --interval`: a duration of at least a second. */
function parseInterval(value: string): number {
  const seconds = parseDuration('--interval', value);
  if (seconds < 1) throw new StoregcError('usage', undefined, `--interval: '${value}' is shorter than a second`, 'use 1s or more, for example --interval 60s');
  return seconds;
}

function absoluteFile(flag: string, value: string): string {
  if (!value.startsWith('/')) throw new StoregcError('usage', value, `${flag} must be an absolute path`, `give the full path, for example ${flag} /var/lib/prometheus/node-exporter/storegc.prom`);
  return fromText(value);
}

/** A root source could not be read: the result is printed in full, then the command fails. */
function rootsIncomplete(findings: readonly Finding[]): 0 | 1 {
  return findings.some(isRootSourceFailure) ? 1 : 0;
}

/**
 * A real run catches SIGINT and SIGTERM for its whole length: the collector stops between
 * batches and reports what it deleted (a dry run writes nothing and keeps the default action).
 */
async function whileStoppable<T>(dryRun: boolean, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  return dryRun ? run(undefined) : untilStopped(run);
}

/** Runs with SIGINT and SIGTERM caught: each aborts the signal (reason: its name) instead of killing. */
async function untilStopped<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: 'SIGINT' | 'SIGTERM') => (): void => {
    if (!controller.signal.aborted) controller.abort(name);
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

/** 130/143 when a signal stopped the run (128 + signal number, as shells report it); 1 when a deletion failed. */
function gcExitCode(report: GcReport): 0 | 1 | 130 | 143 {
  if (report.interrupted === 'SIGINT') return 130;
  if (report.interrupted === 'SIGTERM') return 143;
  return report.skipped.some((s) => s.reason === 'delete-failed') ? 1 : 0;
}

function resolveArgPath(path: string): string {
  if (path.startsWith('/')) return path;
  throw new StoregcError('not-in-store', path, 'not an absolute store path', 'give full store paths such as /nix/store/<hash>-<name>');
}
