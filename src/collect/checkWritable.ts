/**
 * Refuses a real run before its first write when the store directory or the database directory
 * cannot be written (reference §10.2: a deletion that fails after its row is gone leaves a path
 * unregistered). NixOS mounts the store read-only and nix-daemon remounts it read-write in a
 * private mount namespace; we do not do that, we say how. access(W_OK) reports EROFS for a
 * read-only mount even to root.
 */
import { accessSync, constants } from 'node:fs';
import { StoregcError, errnoOf } from '../errors.js';
import { display, fsPath } from '../store/bytes.js';

export function checkWritable(realStoreDir: string, dbDir: string): void {
  for (const dir of [realStoreDir, dbDir]) {
    try {
      accessSync(fsPath(dir), constants.W_OK);
    } catch (error) {
      throw notWritable(dir, error);
    }
  }
}

function notWritable(dir: string, error: unknown): unknown {
  const path = display(dir);
  switch (errnoOf(error)) {
    case 'EROFS':
      return new StoregcError('read-only', path, 'nothing deleted: read-only file system', "remount it read-write; on NixOS run where the store is writable, e.g. `unshare -m sh -c 'mount -o remount,rw /nix/store && storegc gc'` (what nix-daemon does)");
    case 'EACCES':
    case 'EPERM':
      return new StoregcError('permission-denied', path, 'nothing deleted: no write permission', 'run as the user that owns the store (usually root)');
    case 'ENOENT':
    case 'ENOTDIR':
      return new StoregcError('store-missing', path, 'nothing deleted: directory not found', 'set --store-dir/--state-dir (or NIX_STORE_DIR/NIX_STATE_DIR) to the store you mean');
    default:
      return error;
  }
}
