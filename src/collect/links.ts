/**
 * The `.links` pass (reference §10.3): hard-link farm entries nobody else links to any more
 * (link count 1) are removed; the rest tell how much hard linking saves.
 */
import { lstatSync, opendirSync, statSync, unlinkSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import { fsPath } from '../store/bytes.js';

export interface LinksResult {
  readonly removed: number;
  /** What Nix prints as "currently hard linking saves", in bytes (may be negative). */
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
      } else {
        actual += st.size;
        unshared += (st.nlink - 1) * st.size;
      }
    }
  } finally {
    handle.closeSync();
  }
  const overhead = statSync(fsPath(dir)).blocks * 512;
  return { removed, savedBytes: unshared - actual - overhead };
}
