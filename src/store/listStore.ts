/**
 * The store directory's entries in raw readdir order (not sorted: Nix walks it in directory
 * order, reference §8.3-8.4), minus `.links`.
 */
import { opendir } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { StoregcError, errnoOf } from '../errors.js';
import { BUFFER_NAMES } from '../roots/scanTree.js';
import { display, fromBytes, fsPath } from './bytes.js';

export async function listStore(realStoreDir: string): Promise<string[]> {
  let handle;
  try {
    handle = await opendir(fsPath(realStoreDir), BUFFER_NAMES);
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') {
      throw new StoregcError('store-missing', display(realStoreDir), 'store directory not found', 'set --store-dir or NIX_STORE_DIR (or --root) to the store location');
    }
    throw new StoregcError('io', display(realStoreDir), `cannot read store directory (${errno ?? 'error'})`, 'run as a user who can read it');
  }
  const names: string[] = [];
  for await (const dirent of handle as AsyncIterable<Dirent<Buffer>>) {
    const name = fromBytes(dirent.name);
    if (name !== '.links') names.push(name);
  }
  return names;
}
