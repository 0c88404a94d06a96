/** Store entries split into store paths and junk (names that do not parse, reference §7.5). */
import { isValidBaseName } from '../store/storePath.js';

export interface StoreEntries {
  /** Full paths of entries that parse, in readdir order. */
  readonly paths: string[];
  /** Basenames of entries that do not parse: Nix deletes them in every whole-store pass. */
  readonly junk: string[];
}

export function splitStoreEntries(names: readonly string[], storeDir: string): StoreEntries {
  const paths: string[] = [];
  const junk: string[] = [];
  for (const name of names) {
    if (isValidBaseName(name)) paths.push(`${storeDir}/${name}`);
    else junk.push(name);
  }
  return { paths, junk };
}

/** How many entries parse, and whether any is registered (for the store/database match check). */
export function registeredEntries(entries: StoreEntries, graph: { readonly idOf: ReadonlyMap<string, number> }): { count: number; anyRegistered: boolean } {
  return { count: entries.paths.length, anyRegistered: entries.paths.some((path) => graph.idOf.has(path)) };
}
