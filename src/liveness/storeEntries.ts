/** Store entries split into store paths and junk (names that do not parse, reference §7.5). */
import { isValidBaseName } from '../store/storePath.js';

export interface StoreEntries {
  /** Basenames of entries that parse as store paths, in readdir order. */
  readonly names: readonly string[];
  /** Basenames of entries that do not parse: Nix deletes them in every whole-store pass. */
  readonly junk: readonly string[];
  /**
   * When known (the store listing cache): the graph id of each of `names`, -1 where the path is
   * not valid, and the names of those, in order. Liveness then needs no name at all.
   */
  readonly ids?: Int32Array;
  readonly unregistered?: readonly string[];
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
  if (entries.ids !== undefined) return { count: entries.ids.length, anyRegistered: entries.ids.some((id) => id !== -1) };
  return { count: entries.names.length, anyRegistered: entries.names.some((name) => graph.paths.idOfName(name) !== -1) };
}

/** The node id of every entry in readdir order, interning those that are not valid paths. */
export function entryIds(entries: StoreEntries, internName: (name: string) => number): number[] {
  const { ids, unregistered } = entries;
  if (ids === undefined || unregistered === undefined) return entries.names.map(internName);
  const out = new Array<number>(ids.length);
  let next = 0;
  for (let i = 0; i < ids.length; i++) out[i] = ids[i]! !== -1 ? ids[i]! : internName(unregistered[next++]!);
  return out;
}
