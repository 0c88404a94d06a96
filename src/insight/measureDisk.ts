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

/**
 * What a DiskMeter measured of nodes 0 .. own.length, kept between runs (diskUsageCache.ts):
 * typed, each shared inode with its device and inode number so that later paths still meet it.
 */
export interface SavedUsage {
  readonly own: Float64Array;
  readonly inodeDev: Float64Array;
  readonly inodeIno: Float64Array;
  readonly inodeBytes: Float64Array;
  /** Holders of inode i: holderList[holderStart[i] .. holderStart[i + 1]). */
  readonly holderStart: Uint32Array;
  readonly holderList: Int32Array;
}

/** measureDisk one path at a time, in any number of steps: an inode is one entry across all of them. */
export class DiskMeter {
  private own = new Float64Array(1024);
  private readonly sharedIndex = new Map<string, number>();
  private shared: { bytes: number; holders: number[] }[] = [];
  private devs: number[] = [];
  private inos: number[] = [];
  /** After load(): sharedIndex is made when a path is added. */
  private indexed = true;

  constructor(private readonly fs: DiskFs = NODE_DISK_FS) {}

  /** Measures node `id` at `real` (ids in ascending order keep each inode's holders sorted). */
  add(id: number, real: string | Buffer): void {
    if (id >= this.own.length) {
      const grown = new Float64Array(Math.max(id + 1, 2 * this.own.length));
      grown.set(this.own);
      this.own = grown;
    }
    if (!this.indexed) {
      this.shared.forEach((_, i) => this.sharedIndex.set(`${this.devs[i]!}:${this.inos[i]!}`, i));
      this.indexed = true;
    }
    const { fs, own, sharedIndex, shared, devs, inos } = this;
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
          devs.push(st.dev);
          inos.push(st.ino);
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

  /** What was measured of nodes 0 .. nodeCount (all that was added must be below it). */
  save(nodeCount: number): SavedUsage {
    const { shared } = this;
    const holderStart = new Uint32Array(shared.length + 1);
    shared.forEach((inode, i) => {
      holderStart[i + 1] = holderStart[i]! + inode.holders.length;
    });
    const holderList = new Int32Array(holderStart[shared.length]!);
    shared.forEach((inode, i) => holderList.set(inode.holders, holderStart[i]!));
    return {
      own: this.usage(nodeCount).own,
      inodeDev: Float64Array.from(this.devs),
      inodeIno: Float64Array.from(this.inos),
      inodeBytes: Float64Array.from(shared, (inode) => inode.bytes),
      holderStart,
      holderList,
    };
  }

  /** Continues from `saved`, as if its paths had been added here (on a meter nothing was added to). */
  load(saved: SavedUsage): void {
    const { holderStart, holderList } = saved;
    this.own = new Float64Array(Math.max(1024, saved.own.length));
    this.own.set(saved.own);
    this.shared = Array.from(saved.inodeBytes, (bytes, i) => ({ bytes, holders: Array.from(holderList.subarray(holderStart[i]!, holderStart[i + 1]!)) }));
    this.devs = Array.from(saved.inodeDev);
    this.inos = Array.from(saved.inodeIno);
    this.sharedIndex.clear();
    this.indexed = false;
  }
}

const bytesOf = (st: DiskStat): number => (typeof st.blocks === 'number' ? st.blocks * 512 : st.size);

const SLASH = Buffer.from('/');

function ioError(path: Buffer, error: unknown): StoregcError {
  const errno = errnoOf(error) ?? 'error';
  return new StoregcError('io', display(path.toString('latin1')), `cannot measure disk usage (${errno})`, errno === 'EACCES' || errno === 'EPERM' ? 'run as a user who can read the whole store (usually root)' : 'check the file system');
}
