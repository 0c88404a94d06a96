/**
 * What deleting some store entries would free on disk, counted the way Nix counts during a
 * real run (reference §10.2): a file counts when its link count is 1 or 2 at the moment it is
 * deleted. Simulating the falling link counts means a file hard-linked from several dead paths
 * and `.links` is counted once, and a file shared with a live path not at all.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import { fsPath } from '../store/bytes.js';

export function measureFreed(realPaths: readonly string[]): number {
  const remainingLinks = new Map<string, number>();
  let bytes = 0;
  const visit = (path: Buffer): void => {
    let st;
    try {
      st = lstatSync(path, { bigint: false });
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return;
      throw error;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(path, { encoding: 'buffer' })) visit(Buffer.concat([path, SLASH, name]));
      return;
    }
    let links = st.nlink;
    if (links > 1) {
      const key = `${st.dev}:${st.ino}`;
      links = remainingLinks.get(key) ?? links;
      remainingLinks.set(key, links - 1);
    }
    if (links <= 2) bytes += st.size;
  };
  for (const path of realPaths) visit(fsPath(path));
  return bytes;
}

const SLASH = Buffer.from('/');
