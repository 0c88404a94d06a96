/**
 * Where a generated store lives inside its scratch root R, laid out like the tests' stores:
 * R/store, R/var (state), R/etc/nix.conf, plus R/outside for the targets of indirect roots and
 * R/bench for the benchmark's own files (index databases), which no tool scans.
 */
import { join } from 'node:path';

export interface Layout {
  readonly root: string;
  readonly store: string;
  readonly state: string;
  readonly conf: string;
  readonly db: string;
  readonly gcroots: string;
  readonly profiles: string;
  readonly outside: string;
  readonly scratch: string;
  /** Written last by the generator; its absence means "regenerate". */
  readonly marker: string;
}

export function layoutOf(root: string): Layout {
  const state = join(root, 'var');
  return {
    root,
    store: join(root, 'store'),
    state,
    conf: join(root, 'etc'),
    db: join(state, 'db', 'db.sqlite'),
    gcroots: join(state, 'gcroots'),
    profiles: join(state, 'profiles'),
    outside: join(root, 'outside'),
    scratch: join(root, 'bench'),
    marker: join(root, 'complete.json'),
  };
}

/** Variables that could point Nix or storegc at other configuration are dropped. */
const LEAKY = ['NIX_CONFIG', 'NIX_REMOTE', 'NIX_USER_CONF_FILES', 'NIX_PATH', 'XDG_CONFIG_DIRS'];

/** The environment both tools run with: this store, this state, this nix.conf, nothing else. */
export function toolEnv(layout: Layout): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of LEAKY) delete env[name];
  return {
    ...env,
    NIX_STORE_DIR: layout.store,
    NIX_STATE_DIR: layout.state,
    NIX_CONF_DIR: layout.conf,
    NIX_LOG_DIR: join(layout.root, 'log'),
    HOME: layout.root,
    XDG_CONFIG_HOME: layout.root,
    XDG_CONFIG_DIRS: join(layout.root, 'xdg'),
  };
}
