/** Reads `.drv` files from the store's real location (under a chroot-style root if set). */
import { readFileSync } from 'node:fs';
import { fsPathFast } from './bytes.js';

/** The contents of a store `.drv` file as a binary string; throws the fs error. */
export type ReadDrvFile = (drvPath: string) => string;

export function drvFileReader(storeDir: string, realStoreDir: string): ReadDrvFile {
  return (drvPath) => readFileSync(fsPathFast(realStoreDir + drvPath.slice(storeDir.length)), 'latin1');
}
