/**
 * The `.links` pass (reference §10.3): hard-link farm entries nobody else links to any more
 * (link count 1) are removed; the rest tell how much hard linking saves.
 */
import { lstatSync, opendirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import { fsPath } from '../store/bytes.js';
import { crashPoint } from './crashPoint.js';

export interface LinksResult {
  readonly removed: number;
  /** What Nix prints as "currently hard linking saves", in bytes, never below 0. */
  readonly savedBytes: number;
}

export function cleanLinks(realStoreDir: string): LinksResult {
  const dir = `${realStoreDir}/.links`;
  let handle;
  try {
    handle = opendirSync(fsPath(dir), { encoding: 'buffer' } as unknown as undefined);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return { removed: 0, savedBytes: 0 };
    throw error;
  }
  let removed = 0;
  let actual = 0;
  let unshared = 0;
  try {
    for (let dirent = handle.readSync(); dirent !== null; dirent = handle.readSync()) {
      const path = Buffer.concat([fsPath(dir), Buffer.from('/'), dirent.name as unknown as Buffer]);
      const st = lstatSync(path);
      if (st.nlink === 1) {
        unlinkSync(path);
        removed++;
        crashPoint('links-entry-unlinked');
      } else {
        actual += st.size;
        unshared += (st.nlink - 1) * st.size;
      }
    }
  } finally {
    handle.closeSync();
  }
  const overhead = statSync(fsPath(dir)).blocks * 512;
  // Nix 2.8 prints the raw difference, "-0.00 MiB" on a store without shared files (the
  // directory's own blocks); nothing is saved there, so we say 0.
  return { removed, savedBytes: Math.max(0, unshared - actual - overhead) };
}

/**
 * How many `.links` entries the pass would remove after a dry run's deletions: those whose
 * link count, less the links the deletions drop (`remainingLinks`, dev:ino -> count), is 1.
 */
export function forecastLinks(realStoreDir: string, remainingLinks: ReadonlyMap<string, number>): number {
  const dir = `${realStoreDir}/.links`;
  let names: Buffer[];
  try {
    names = readdirSync(fsPath(dir), { encoding: 'buffer' });
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    let st;
    try {
      st = lstatSync(Buffer.concat([fsPath(dir), Buffer.from('/'), name]));
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') continue;
      throw error;
    }
    if ((remainingLinks.get(`${st.dev}:${st.ino}`) ?? st.nlink) === 1) removed++;
  }
  return removed;
}
