/**
 * Does the database belong to the store directory? Pure. A state directory of another store
 * (another store dir, or another chroot-style root with the same logical store dir) makes every
 * entry look unregistered and so dead: `gc` would empty the store. Refused unless --force.
 */
import { StoregcError } from '../errors.js';
import { display } from './bytes.js';

export interface StoreMatchInput {
  readonly storeDir: string;
  readonly dbFile: string;
  readonly realStoreDir: string;
  /** Every registered path, or the first and last in byte order (see PathTable.bounds). */
  readonly validPaths: Iterable<string>;
  /** Store entries that parse as store paths, and whether any of them is registered. */
  readonly entries?: { readonly count: number; readonly anyRegistered: boolean };
}

/** Unregistered entries a database may sit beside without suspicion (builds in progress, their locks). */
export const EMPTY_DB_TOLERANCE = 16;

export function checkStoreMatch(input: StoreMatchInput): void {
  const prefix = `${input.storeDir}/`;
  for (const path of input.validPaths) {
    if (!path.startsWith(prefix)) {
      throw new StoregcError('store-mismatch', display(input.dbFile), `store directory ${display(input.storeDir)} does not hold the paths of this database (it registers ${display(path)})`, 'set --store-dir (or NIX_STORE_DIR) to the store this database belongs to, or pass --force');
    }
  }
  const entries = input.entries;
  // Not one of many entries registered: another store's database, or a lost one. A few
  // unregistered entries beside a database that registers none of them are what a fresh
  // store's first build leaves (an output and its lock) and what small test stores hold.
  const suspicious = entries !== undefined && !entries.anyRegistered && entries.count >= EMPTY_DB_TOLERANCE;
  if (suspicious) {
    throw new StoregcError('store-mismatch', display(input.realStoreDir), `none of the ${entries!.count} store entries is registered in ${display(input.dbFile)}`, 'check that --state-dir and --store-dir (or --root) name the same store, or pass --force');
  }
}
