/**
 * StoreSpec: a whole Nix 2.8 store as plain data (store entries, database rows, roots and other
 * files under the scratch root R, temp roots, nix.conf settings). Produced by generateStore or
 * StoreBuilder, written to disk by materializeStore.
 *
 * Paths in `tree` are relative to R. Symlink targets and temp-root entries may start with `@/`,
 * which stands for `${R}/` (so `@/store/<base>` is a store path and `@/home/result` an outside
 * file); anything else is written verbatim (relative targets, foreign absolute paths).
 */

export type FsNode =
  | { readonly type: 'dir'; readonly mode?: number }
  | { readonly type: 'file'; readonly content: string | Uint8Array; readonly mode?: number }
  | { readonly type: 'symlink'; readonly target: string }
  | { readonly type: 'fifo' };

export interface FsEntry {
  /** Relative to the owner (R for `tree`, the store entry for store files); '' is the owner itself. */
  readonly path: string;
  readonly node: FsNode;
  /** What the entry is for (e.g. 'root:symlink', 'not-root:relative'); documentation and coverage only. */
  readonly role?: string;
}

export interface StorePathSpec {
  readonly hash: string;
  readonly name: string;
  /** The store-dir entry name: hash + separator (normally '-') + name. */
  readonly base: string;
  /** Has a ValidPaths row. */
  readonly registered: boolean;
  /** Exists in the store directory (files are written only then). */
  readonly onDisk: boolean;
  /** On-disk content, first entry has path ''. */
  readonly files: readonly FsEntry[];
  /** ValidPaths.narSize of a path missing on disk (on-disk paths get their real NAR size); null if unregistered. */
  readonly narSize: number | null;
  /** Refs rows: basenames of registered paths (may include the path itself). */
  readonly refs: readonly string[];
  /** ValidPaths.deriver as a basename (the row may name a path that is not registered). */
  readonly deriver: string | null;
}

/** A store-dir entry whose name does not parse as a store path. */
export interface JunkSpec {
  readonly name: string;
  readonly files: readonly FsEntry[];
}

/** A DerivationOutputs row (drv and path are basenames; drv must be registered). */
export interface DerivationOutputSpec {
  readonly drv: string;
  readonly id: string;
  readonly path: string;
}

export interface TempRootsSpec {
  /** File name under STATE/temproots (normally a pid). */
  readonly file: string;
  /** 'alive': the test process holds flock(LOCK_EX) on it; 'dead': nobody does. */
  readonly owner: 'alive' | 'dead';
  /** Each written followed by one NUL byte; `@/` expands to `${R}/`. */
  readonly entries: readonly string[];
  /** Bytes after the last NUL (a torn append), ignored by Nix. */
  readonly tail?: string;
}

export interface NixSetting {
  readonly name: string;
  readonly value: string;
}

export interface StoreSpec {
  /** The generator seed, or null for hand-built stores. */
  readonly seed: number | null;
  /** Parseable store entries and registered paths; created in this order, registered in this order. */
  readonly paths: readonly StorePathSpec[];
  /** Unparseable store entries, created after `paths`. */
  readonly junk: readonly JunkSpec[];
  readonly derivationOutputs: readonly DerivationOutputSpec[];
  /** Everything else under R (var/gcroots, var/profiles, home, ...), created in this order. */
  readonly tree: readonly FsEntry[];
  readonly tempRoots: readonly TempRootsSpec[];
  /** nix.conf lines after `sandbox = false` and `build-users-group =`. */
  readonly settings: readonly NixSetting[];
}

export const STORE_PREFIX = '@/store/';

/** `@/store/<base>[/<sub>]`: a symlink target or temp-root entry naming a store path. */
export function inStore(base: string, sub?: string): string {
  return STORE_PREFIX + base + (sub === undefined ? '' : `/${sub}`);
}

/** Replaces a leading `@/` by `${root}/`. */
export function expandAt(text: string, root: string): string {
  return text.startsWith('@/') ? `${root}/${text.slice(2)}` : text;
}
