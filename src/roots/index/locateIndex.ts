/**
 * Where the roots index lives (pure: the caller says what is writable). Default
 * `<state>/storegc/roots-index.sqlite`; when the state dir cannot take it (a user reading a
 * root-owned store), a per-user cache file keyed by the state dir; `--index FILE` and
 * `--no-index` override both. Other state files (the run history) follow the same fallbacks
 * under their own base name (locateStateFile).
 */
import { createHash } from 'node:crypto';
import type { IndexChoice } from '../../config/settings.js';

export interface IndexPlace {
  /** The file, or undefined when no index is used. */
  readonly file: string | undefined;
  /** Chosen by storegc (a damaged file there is ours to rebuild), not named by the user. */
  readonly owned: boolean;
}

export function stateIndexFile(stateDir: string, base = 'roots-index', ext = 'sqlite'): string {
  return `${stateDir}/storegc/${base}.${ext}`;
}

export function userIndexFile(stateDir: string, cacheHome: string | undefined, base = 'roots-index', ext = 'sqlite'): string | undefined {
  if (cacheHome === undefined) return undefined;
  const key = createHash('sha256').update(Buffer.from(stateDir, 'latin1')).digest('hex').slice(0, 16);
  return `${cacheHome}/storegc/${base}-${key}.${ext}`;
}

/**
 * `<state>/storegc/<base>.<ext>` if it can be written there, else the per-user cache file for
 * this state dir, else undefined. @param canWrite whether the file could be created or updated.
 */
export function locateStateFile(base: string, stateDir: string, cacheHome: string | undefined, canWrite: (file: string) => boolean, ext = 'sqlite'): string | undefined {
  for (const file of [stateIndexFile(stateDir, base, ext), userIndexFile(stateDir, cacheHome, base, ext)]) {
    if (file !== undefined && canWrite(file)) return file;
  }
  return undefined;
}

/** @param canWrite whether the index file could be created or updated at that path. */
export function locateIndex(choice: IndexChoice, stateDir: string, cacheHome: string | undefined, canWrite: (file: string) => boolean): IndexPlace {
  if (choice.kind === 'none') return { file: undefined, owned: false };
  if (choice.kind === 'explicit') return { file: choice.file, owned: false };
  return { file: locateStateFile('roots-index', stateDir, cacheHome, canWrite), owned: true };
}
