/**
 * What deleting some store entries would free, counted the way Nix counts during a real run
 * (reference §10.2): a file counts when its link count is 1 or 2 at the moment it is deleted.
 * Simulating the falling link counts means a file hard-linked from several dead paths and
 * `.links` is counted once, and a file shared with a live path not at all. The same rule gives
 * two measures: `bytes` (st_size, what Nix reports) and `diskBytes` (st_blocks * 512, the disk
 * blocks actually released).
 */
import { lstatSync, readdirSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import { fsPath } from '../store/bytes.js';

export interface Freed {
  bytes: number;
  diskBytes: number;
}

/** Measures entries one at a time, in deletion order, remembering the links already "removed". */
export class FreedMeter {
  /** dev:ino -> link count left after the entries measured so far are deleted. */
  readonly remainingLinks = new Map<string, number>();

  measure(realPath: string): Freed {
    const freed: Freed = { bytes: 0, diskBytes: 0 };
    this.visit(fsPath(realPath), freed);
    return freed;
  }

  private visit(path: Buffer, freed: Freed): void {
    let st;
    try {
      st = lstatSync(path, { bigint: false });
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return;
      throw error;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(path, { encoding: 'buffer' })) this.visit(Buffer.concat([path, SLASH, name]), freed);
      return;
    }
    let links = st.nlink;
    if (links > 1) {
      const key = `${st.dev}:${st.ino}`;
      links = this.remainingLinks.get(key) ?? links;
      this.remainingLinks.set(key, links - 1);
    }
    if (links <= 2) {
      freed.bytes += st.size;
      freed.diskBytes += st.blocks * 512;
    }
  }
}

export function measureFreed(realPaths: readonly string[]): number {
  const meter = new FreedMeter();
  let bytes = 0;
  for (const path of realPaths) bytes += meter.measure(path).bytes;
  return bytes;
}

const SLASH = Buffer.from('/');
