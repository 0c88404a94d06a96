/**
 * The store directory's entries in raw readdir order (not sorted: Nix walks it in directory
 * order, reference §8.3-8.4), minus `.links`.
 */
import { opendirSync } from 'node:fs';
import { StoregcError, errnoOf } from '../errors.js';
import { BINARY_NAMES, display, fsPath } from './bytes.js';
import type { PackedStrings } from './byteOrder.js';
import type { NativeHelper } from './native.js';

export function listStore(realStoreDir: string): string[] {
  const names: string[] = [];
  forEachStoreEntry(realStoreDir, (name) => void names.push(name));
  return names;
}

/** Each entry's name in raw readdir order, minus `.links`, as it is read: no array of them all. */
export function forEachStoreEntry(realStoreDir: string, use: (name: string) => void): void {
  let handle;
  try {
    // Synchronous: one directory has nothing to overlap with, and this is twice as fast.
    handle = opendirSync(fsPath(realStoreDir), BINARY_NAMES);
  } catch (error) {
    throw storeDirError(realStoreDir, error);
  }
  try {
    for (let dirent = handle.readSync(); dirent !== null; dirent = handle.readSync()) {
      const name = dirent.name;
      if (name !== '.links') use(name);
    }
  } finally {
    handle.closeSync();
  }
}

/**
 * The store directory's names in raw readdir order, packed, `.links` among them, read by the
 * native helper (native/listDir.c) in one call.
 */
export function listStoreNative(helper: NativeHelper, realStoreDir: string): PackedStrings {
  try {
    return helper.listDir(fsPath(realStoreDir));
  } catch (error) {
    throw storeDirError(realStoreDir, error);
  }
}

/** The store directory through native/listStore.c (see NativeHelper.listStore). */
export function listStoreSortedNative(listStore: NonNullable<NativeHelper['listStore']>, realStoreDir: string): ReturnType<typeof listStore> {
  try {
    return listStore(fsPath(realStoreDir));
  } catch (error) {
    throw storeDirError(realStoreDir, error);
  }
}

/** What a failure to read the store directory tells the user. */
export function storeDirError(realStoreDir: string, error: unknown): StoregcError {
  const errno = errnoOf(error);
  if (errno === 'ENOENT' || errno === 'ENOTDIR') {
    return new StoregcError('store-missing', display(realStoreDir), 'store directory not found', 'set --store-dir or NIX_STORE_DIR (or --root) to the store location');
  }
  return new StoregcError('io', display(realStoreDir), `cannot read store directory (${errno ?? 'error'})`, errno === 'EACCES' || errno === 'EPERM' ? 'run as a user who can read it (usually root)' : 'check the file system');
}
