/**
 * On-disk bytes of store paths, counted the way deletion frees them: every entry of every path
 * once (lstat, st_blocks * 512 where the file system reports blocks, else st_size), and files
 * with several hard links (an optimised store links them into `.links`) set apart by inode, with
 * the paths holding them, so that src/insight/rootSizes.ts can count each inode once, where
 * deleting frees it. Directories are never shared. The file system is injectable for tests.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { StoregcError, errnoOf } from '../errors.js';
import { display, fsPath } from '../store/bytes.js';
import type { DiskUsage } from './rootSizes.js';

export interface DiskStat {
  readonly dev: number;
  readonly ino: number;
  readonly nlink: number;
  readonly size: number;
  readonly blocks?: number | undefined;
  isDirectory(): boolean;
}

export interface DiskFs {
  lstat(path: Buffer): DiskStat;
  readdir(path: Buffer): Buffer[];
}

export const NODE_DISK_FS: DiskFs = {
  lstat: (path) => lstatSync(path),
  readdir: (path) => readdirSync(path, { encoding: 'buffer' }),
};

/**
 * @param realPaths real path of each node id to measure (a binary string or its bytes;
 *   undefined: not measured, 0 bytes). A path missing on disk measures 0.
 */
export function measureDisk(realPaths: readonly (string | Buffer | undefined)[], fs: DiskFs = NODE_DISK_FS): DiskUsage {
  const meter = new DiskMeter(fs);
  realPaths.forEach((real, id) => {
    if (real !== undefined) meter.add(id, real);
  });
  return meter.usage(realPaths.length);
}

/** measureDisk one path at a time, in any number of steps: an inode is one entry across all of them. */
export class DiskMeter {
  private own = new Float64Array(1024);
  private readonly sharedIndex = new Map<string, number>();
  private readonly shared: { bytes: number; holders: number[] }[] = [];

  constructor(private readonly fs: DiskFs = NODE_DISK_FS) {}

  /** Measures node `id` at `real` (ids in ascending order keep each inode's holders sorted). */
  add(id: number, real: string | Buffer): void {
    if (id >= this.own.length) {
      const grown = new Float64Array(Math.max(id + 1, 2 * this.own.length));
      grown.set(this.own);
      this.own = grown;
    }
    const { fs, own, sharedIndex, shared } = this;
    const stack = [typeof real === 'string' ? fsPath(real) : real];
    let top = true;
    while (stack.length > 0) {
      const path = stack.pop()!;
      let st: DiskStat;
      try {
        st = fs.lstat(path);
      } catch (error) {
        // A valid path missing on disk holds nothing; anything else would make the sizes wrong.
        if (top && errnoOf(error) === 'ENOENT') break;
        throw ioError(path, error);
      }
      top = false;
      if (st.isDirectory()) {
        own[id]! += bytesOf(st);
        let names: Buffer[];
        try {
          names = fs.readdir(path);
        } catch (error) {
          throw ioError(path, error);
        }
        for (const name of names) stack.push(Buffer.concat([path, SLASH, name]));
      } else if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        let i = sharedIndex.get(key);
        if (i === undefined) {
          i = shared.length;
          sharedIndex.set(key, i);
          shared.push({ bytes: bytesOf(st), holders: [] });
        }
        const holders = shared[i]!.holders;
        if (holders[holders.length - 1] !== id) holders.push(id);
      } else {
        own[id]! += bytesOf(st);
      }
    }
  }

  /** What was measured, for `nodeCount` nodes. */
  usage(nodeCount: number): DiskUsage {
    const own = new Float64Array(nodeCount);
    own.set(this.own.subarray(0, Math.min(nodeCount, this.own.length)));
    return { own, shared: this.shared };
  }
}

const bytesOf = (st: DiskStat): number => (typeof st.blocks === 'number' ? st.blocks * 512 : st.size);

const SLASH = Buffer.from('/');

function ioError(path: Buffer, error: unknown): StoregcError {
  const errno = errnoOf(error) ?? 'error';
  return new StoregcError('io', display(path.toString('latin1')), `cannot measure disk usage (${errno})`, errno === 'EACCES' || errno === 'EPERM' ? 'run as a user who can read the whole store (usually root)' : 'check the file system');
}
