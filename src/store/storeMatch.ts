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
  /** Whether the database registers any path at all. */
  readonly dbHasPaths?: boolean;
}

/** Unregistered entries an empty database may sit beside (builds in progress, their locks). */
export const EMPTY_DB_TOLERANCE = 16;

export function checkStoreMatch(input: StoreMatchInput): void {
  const prefix = `${input.storeDir}/`;
  for (const path of input.validPaths) {
    if (!path.startsWith(prefix)) {
      throw new StoregcError('store-mismatch', display(input.dbFile), `store directory ${display(input.storeDir)} does not hold the paths of this database (it registers ${display(path)})`, 'set --store-dir (or NIX_STORE_DIR) to the store this database belongs to, or pass --force');
    }
  }
  const entries = input.entries;
  // Not one entry registered: another store's database (it registers paths, none of them here),
  // or a lost one (empty, beside a store that holds more than a build in progress leaves: a
  // fresh store's first build has an unregistered output and its lock, and must not be refused).
  const suspicious = entries !== undefined && entries.count > 0 && !entries.anyRegistered
    && (input.dbHasPaths !== false || entries.count >= EMPTY_DB_TOLERANCE);
  if (suspicious) {
    throw new StoregcError('store-mismatch', display(input.realStoreDir), `none of the ${entries!.count} store entries is registered in ${display(input.dbFile)}`, 'check that --state-dir and --store-dir (or --root) name the same store, or pass --force');
  }
}
