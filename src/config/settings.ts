/**
 * Options (what users set) -> Settings (resolved once, frozen). Stages take Settings and never
 * read the environment or flags themselves. Precedence: flags, then env, then nix.conf.
 */
import { fromText } from '../store/bytes.js';
import { canonPath } from '../store/storePath.js';
import { StoregcError } from '../errors.js';
import { GC_SETTING_ALIASES, parseBool } from './nixConf.js';
import type { ConfLine } from './nixConf.js';

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
}

export interface Settings {
  /** Logical store dir (binary string, canonical, no trailing slash): what paths are named after. */
  readonly storeDir: string;
  readonly stateDir: string;
  readonly confDir: string;
  /** Chroot-style root: files of STORE and STATE live under it, logical names unchanged. */
  readonly root: string | undefined;
  readonly keepOutputs: boolean;
  readonly keepDerivations: boolean;
  readonly runtimeRoots: boolean;
  readonly jobs: number;
  readonly extraRoots: readonly string[];
  readonly procDir: string;
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
  const jobs = options.jobs ?? DEFAULT_JOBS;
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new StoregcError('usage', undefined, `--jobs must be a positive integer, got ${jobs}`, 'pass --jobs N with N >= 1');
  }
  return Object.freeze({
    storeDir: resolveDir(options.storeDir ?? env.NIX_STORE_DIR, '/nix/store'),
    stateDir: resolveDir(options.stateDir ?? env.NIX_STATE_DIR, '/nix/var/nix'),
    confDir: resolveDir(options.confDir ?? env.NIX_CONF_DIR, '/etc/nix'),
    root: options.root === undefined ? undefined : resolveDir(options.root, '/'),
    keepOutputs: options.keepOutputs ?? fromConf.keepOutputs ?? false,
    keepDerivations: options.keepDerivations ?? fromConf.keepDerivations ?? true,
    runtimeRoots: options.runtimeRoots ?? true,
    jobs,
    extraRoots: Object.freeze([...(options.extraRoots ?? [])]),
    procDir: options.procDir ?? '/proc',
  });
}

function resolveDir(value: string | undefined, fallback: string): string {
  const chosen = value === undefined || value === '' ? fallback : value;
  const absolute = chosen.startsWith('/') ? chosen : `${process.cwd()}/${chosen}`;
  return canonPath(fromText(absolute));
}

/** Where a logical path's file lives: under the chroot-style root when one is set. */
export function realPath(settings: Settings, logical: string): string {
  return settings.root === undefined || settings.root === '/' ? logical : settings.root + logical;
}
