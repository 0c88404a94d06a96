/**
 * Options (what users set) -> Settings (resolved once, frozen). Stages take Settings and never
 * read the environment or flags themselves. Precedence: flags, then env, then nix.conf.
 */
import { fromText } from '../store/bytes.js';
import { canonPath } from '../store/storePath.js';
import { StoregcError } from '../errors.js';
import { GC_SETTING_ALIASES, parseBool } from './nixConf.js';
import type { ConfLine } from './nixConf.js';
import type { OwnFds } from '../roots/ownFds.js';

export type IndexChoice = { readonly kind: 'none' } | { readonly kind: 'default' } | { readonly kind: 'explicit'; readonly file: string };

export interface Options {
  storeDir?: string;
  stateDir?: string;
  confDir?: string;
  root?: string;
  keepOutputs?: boolean;
  keepDerivations?: boolean;
  runtimeRoots?: boolean;
  jobs?: number;
  extraRoots?: readonly string[];
  procDir?: string;
  /** This process's fds as at its start (src/roots/ownFds.ts); none: read live. */
  ownFds?: OwnFds | undefined;
  /** `--index FILE`, or false for `--no-index`; default: the index in its usual place. */
  index?: string | false;
  /** Go on although the database does not seem to belong to the store directory. */
  force?: boolean;
}

export interface Settings {
  /** Logical store dir (binary string, canonical, no trailing slash): what paths are named after. */
  readonly storeDir: string;
  /** Where the store's files are: the store dir, under the chroot-style root if one is set. */
  readonly realStoreDir: string;
  /** The state dir as a real path (under a chroot-style root it defaults to ROOT/nix/var/nix, as in Nix). */
  readonly stateDir: string;
  readonly confDir: string;
  /** Chroot-style root: files of STORE and STATE live under it, logical names unchanged. */
  readonly root: string | undefined;
  readonly keepOutputs: boolean;
  readonly keepDerivations: boolean;
  /**
   * nix.conf enables the experimental feature `ca-derivations`: then, as in Nix 2.8, a
   * derivation's outputs also come from the Realisations table (src/graph/realisedOutputs.ts).
   */
  readonly caDerivations: boolean;
  readonly runtimeRoots: boolean;
  readonly jobs: number;
  readonly extraRoots: readonly string[];
  readonly procDir: string;
  /** This process's fds as at its start (src/roots/ownFds.ts); none: the runtime scan reads them live. */
  readonly ownFds?: OwnFds | undefined;
  /** Which roots index `roots`, `live` and `dead` use (reference: README, incremental index). */
  readonly index: IndexChoice;
  /** The per-user cache directory ($XDG_CACHE_HOME or ~/.cache), for an index the state dir cannot hold. */
  readonly cacheHome: string | undefined;
  /** --force: skip the check that the database belongs to the store directory. */
  readonly force: boolean;
}

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_JOBS = 16;

/**
 * @param confLines nix.conf settings in file order (later lines win), already read from
 *   `<confDir>/nix.conf`, user config files and NIX_CONFIG by the caller.
 */
export function resolveSettings(options: Options, env: Env, confLines: readonly ConfLine[]): Settings {
  const fromConf: { keepOutputs?: boolean; keepDerivations?: boolean } = {};
  for (const { name, value } of confLines) {
    const key = GC_SETTING_ALIASES[name];
    if (key === undefined) continue;
    const bool = parseBool(value);
    if (bool === undefined) {
      throw new StoregcError('config', name, `nix.conf setting '${name}' has value '${value}', which is not a Boolean`, 'use true or false');
    }
    fromConf[key] = bool;
  }
  const features = experimentalFeatures(confLines);
  const jobs = options.jobs ?? DEFAULT_JOBS;
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new StoregcError('usage', undefined, `--jobs must be a positive integer, got ${jobs}`, 'pass --jobs N with N >= 1');
  }
  const root = options.root === undefined ? undefined : location('--root', options.root);
  const storeDir = location(options.storeDir !== undefined ? '--store-dir' : 'NIX_STORE_DIR', options.storeDir ?? env.NIX_STORE_DIR) ?? '/nix/store';
  // Like Nix's local?root=DIR: the state dir is DIR/nix/var/nix, whatever NIX_STATE_DIR says.
  const stateDir = options.stateDir !== undefined ? location('--state-dir', options.stateDir)
    : root !== undefined ? underRoot(root, '/nix/var/nix')
    : location('NIX_STATE_DIR', env.NIX_STATE_DIR) ?? '/nix/var/nix';
  for (const pattern of options.extraRoots ?? []) {
    if (!pattern.startsWith('/')) {
      throw new StoregcError('usage', pattern, `--extra-roots needs an absolute glob, got ${pattern === '' ? 'an empty one' : 'a relative one'}`, "pass a pattern such as '/home/*/result*'");
    }
  }
  return Object.freeze({
    storeDir,
    realStoreDir: underRoot(root, storeDir),
    stateDir,
    confDir: location(options.confDir !== undefined ? '--conf-dir' : 'NIX_CONF_DIR', options.confDir ?? env.NIX_CONF_DIR) ?? '/etc/nix',
    root,
    keepOutputs: options.keepOutputs ?? fromConf.keepOutputs ?? false,
    keepDerivations: options.keepDerivations ?? fromConf.keepDerivations ?? true,
    caDerivations: features.has('ca-derivations'),
    runtimeRoots: options.runtimeRoots ?? true,
    jobs,
    extraRoots: Object.freeze([...(options.extraRoots ?? [])]),
    procDir: options.procDir ?? '/proc',
    ownFds: options.ownFds,
    index: indexChoice(options.index),
    force: options.force ?? false,
    cacheHome: env.XDG_CACHE_HOME?.startsWith('/') === true ? fromText(env.XDG_CACHE_HOME) : env.HOME?.startsWith('/') === true ? `${fromText(env.HOME)}/.cache` : undefined,
  });
}

/**
 * Nix's `experimental-features` (a space-separated list: a line replaces the value so far) and
 * `extra-experimental-features` (appends), in file order.
 */
function experimentalFeatures(confLines: readonly ConfLine[]): Set<string> {
  let features = new Set<string>();
  for (const { name, value } of confLines) {
    const words = value.split(/[ \t]+/).filter((w) => w !== '');
    if (name === 'experimental-features') features = new Set(words);
    else if (name === 'extra-experimental-features') for (const w of words) features.add(w);
  }
  return features;
}

function indexChoice(index: string | false | undefined): IndexChoice {
  if (index === false) return { kind: 'none' };
  return index === undefined ? { kind: 'default' } : { kind: 'explicit', file: location('--index', index) };
}

/**
 * A location given by a flag or a variable: canonical, or undefined when not given. Empty and
 * relative values are refused, never defaulted or resolved against the working directory: an
 * empty NIX_STATE_DIR falling back to /nix/var/nix would collect one store by another's roots,
 * and Nix itself refuses an empty state dir.
 */
function location(source: string, value: string): string;
function location(source: string, value: string | undefined): string | undefined;
function location(source: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === '') throw new StoregcError('usage', undefined, `${source} is empty`, 'give an absolute path, or leave it unset for the default');
  if (!value.startsWith('/')) throw new StoregcError('usage', value, `${source} must be an absolute path, not a relative one`, `give the full path, for example ${source} "$PWD/${value}"`);
  return canonPath(fromText(value));
}

function underRoot(root: string | undefined, path: string): string {
  return root === undefined || root === '/' ? path : root + path;
}

/**
 * Where an absolute path met outside the store (an indirect root's target) is read: inside the
 * chroot-style root, where storegc and tools run in the root make it, and on the host, where
 * `nix-store --store DIR --add-root /host/result` makes it and Nix 2.8 reads it (NixOS/nix#2125).
 * A link counts if either place leads into the store; it is stale only if both are missing.
 */
export function outsidePaths(settings: Settings, path: string): string[] {
  const inside = underRoot(settings.root, path);
  return inside === path ? [path] : [inside, path];
}

/** The Nix database of a state directory. */
export function dbFileOf(settings: Pick<Settings, 'stateDir'>): string {
  return `${settings.stateDir}/db/db.sqlite`;
}
