/**
 * Where the roots index lives (pure: the caller says what is writable). Default
 * `<state>/storegc/roots-index.sqlite`; when the state dir cannot take it (a user reading a
 * root-owned store), a per-user cache file keyed by the state dir; `--index FILE` and
 * `--no-index` override both.
 */
import { createHash } from 'node:crypto';
import type { IndexChoice } from '../../config/settings.js';

export interface IndexPlace {
  /** The file, or undefined when no index is used. */
  readonly file: string | undefined;
  /** Chosen by storegc (a damaged file there is ours to rebuild), not named by the user. */
  readonly owned: boolean;
}

export function stateIndexFile(stateDir: string): string {
  return `${stateDir}/storegc/roots-index.sqlite`;
}

export function userIndexFile(stateDir: string, cacheHome: string | undefined): string | undefined {
  if (cacheHome === undefined) return undefined;
  const key = createHash('sha256').update(Buffer.from(stateDir, 'latin1')).digest('hex').slice(0, 16);
  return `${cacheHome}/storegc/roots-index-${key}.sqlite`;
}

/** @param canWrite whether the index file could be created or updated at that path. */
export function locateIndex(choice: IndexChoice, stateDir: string, cacheHome: string | undefined, canWrite: (file: string) => boolean): IndexPlace {
  if (choice.kind === 'none') return { file: undefined, owned: false };
  if (choice.kind === 'explicit') return { file: choice.file, owned: false };
  for (const file of [stateIndexFile(stateDir), userIndexFile(stateDir, cacheHome)]) {
    if (file !== undefined && canWrite(file)) return { file, owned: true };
  }
  return { file: undefined, owned: true };
}
