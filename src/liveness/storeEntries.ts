/** Store entries split into store paths and junk (names that do not parse, reference §7.5). */
import { isValidBaseName } from '../store/storePath.js';

export interface StoreEntries {
  /** Basenames of entries that parse as store paths, in readdir order. */
  readonly names: string[];
  /** Basenames of entries that do not parse: Nix deletes them in every whole-store pass. */
  readonly junk: string[];
}

export const NO_ENTRIES: StoreEntries = Object.freeze({ names: [], junk: [] });

export function splitStoreEntries(names: readonly string[]): StoreEntries {
  const paths: string[] = [];
  const junk: string[] = [];
  for (const name of names) {
    if (isValidBaseName(name)) paths.push(name);
    else junk.push(name);
  }
  return { names: paths, junk };
}

/** How many entries parse, and whether any is registered (for the store/database match check). */
export function registeredEntries(entries: StoreEntries, graph: { readonly paths: { idOfName(name: string): number } }): { count: number; anyRegistered: boolean } {
  return { count: entries.names.length, anyRegistered: entries.names.some((name) => graph.paths.idOfName(name) !== -1) };
}
