/**
 * The command-line surface: commands and flags mapped to Options, handed to the pipeline.
 * Handlers return what to print; `main.ts` prints it and decides the exit code.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadNixConf } from '../config/loadConf.js';
import { resolveSettings } from '../config/settings.js';
import type { Env, Options, Settings } from '../config/settings.js';
import { reportPaths, reportRoots } from '../pipeline.js';
import type { Format, Report } from '../report/index.js';

export interface Outcome {
  readonly report: Report;
  readonly format: Format;
}

export type Handler = (outcome: Outcome) => void;

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

function addCommonOptions(cmd: Command): Command {
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
    .option('--json', 'write a JSON report (schemaVersion 1) instead of Nix-compatible text');
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
  };
  const draft = resolveSettings(options, env, []);
  return resolveSettings(options, env, loadNixConf(draft.confDir, env));
}

export function buildProgram(env: Env, handle: Handler): Command {
  const program = new Command('storegc')
    .description('Fast, safe garbage collector and GC-roots reporter for Nix-style stores')
    .version('0.1.0')
    .showHelpAfterError(false)
    .exitOverride();

  const format = (flags: CommonFlags): Format => (flags.json === true ? 'json' : 'text');

  addCommonOptions(program.command('roots'))
    .description('list GC roots (== nix-store --gc --print-roots)')
    .action(async (flags: CommonFlags) => {
      handle({ report: await reportRoots(settingsFrom(flags, env)), format: format(flags) });
    });
  for (const command of ['live', 'dead'] as const) {
    addCommonOptions(program.command(command))
      .description(`list ${command} store paths (== nix-store --gc --print-${command})`)
      .action(async (flags: CommonFlags) => {
        handle({ report: await reportPaths(settingsFrom(flags, env), command), format: format(flags) });
      });
  }
  return program;
}
