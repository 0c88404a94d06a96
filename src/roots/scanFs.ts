/**
 * The file-system calls the roots scanner makes, behind an interface tests can replace (for
 * example to put directory timestamps on a virtual clock). Names and targets are binary strings.
 */
import { readlinkSync } from 'node:fs';
import { lstat, opendir, readlink } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { fsPathFast } from '../store/bytes.js';
import type { DirIdentity } from './index/listing.js';

export type NodeKind = 'dir' | 'file' | 'link' | 'other';

export interface NodeStat extends DirIdentity {
  readonly kind: NodeKind;
}

/** A directory's entries by type (from d_type); other types (fifos, sockets, devices) dropped. */
export interface DirEntries {
  readonly files: string[];
  readonly links: string[];
  readonly dirs: string[];
}

export interface ScanFs {
  /** lstat with nanosecond timestamps. */
  stat(path: string): Promise<NodeStat>;
  /** The entries of a directory with their types from readdir (d_type), no stat per entry. */
  list(dir: string): Promise<DirEntries>;
  readlink(path: string): Promise<string>;
  /**
   * The same, blocking: on a warm cache a blocking readlink costs a tenth of a round trip
   * through the thread pool. The scanner falls back to `readlink` when it turns out slow.
   */
  readlinkNow?(path: string): string;
}

const DIR_BATCH = 4096;
/** A batch of cached directory entries reads in about 2 ms; one this slow came from a disk. */
const SLOW_DIR_BATCH_MS = 50;
/** Whether directories are still read blocking in this process (see `list`). */
let listBlocking = true;

const kindOf = (d: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }): NodeKind =>
  d.isDirectory() ? 'dir' : d.isFile() ? 'file' : d.isSymbolicLink() ? 'link' : 'other';

export const nodeScanFs: ScanFs = {
  async stat(path) {
    const st = await lstat(fsPathFast(path), { bigint: true });
    return { kind: kindOf(st), dev: st.dev, ino: st.ino, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
  },
  async list(dir) {
    // opendir, not readdir: libuv's scandir sorts the names, which for a Hydra directory of a
    // million roots costs more than reading them. Read blocking while batches come fast (a warm
    // cache), and without blocking from the first slow batch on (the disk is being read).
    const handle = await opendir(fsPathFast(dir), { encoding: 'latin1', bufferSize: DIR_BATCH });
    const out: DirEntries = { files: [], links: [], dirs: [] };
    const take = (d: Dirent): void => {
      if (d.isFile()) out.files.push(d.name);
      else if (d.isSymbolicLink()) out.links.push(d.name);
      else if (d.isDirectory()) out.dirs.push(d.name);
    };
    try {
      let t0 = performance.now();
      let n = 0;
      let d: Dirent | null = null;
      while (listBlocking && (d = handle.readSync()) !== null) {
        take(d);
        if (++n % DIR_BATCH === 0) {
          listBlocking = performance.now() - t0 <= SLOW_DIR_BATCH_MS;
          t0 = performance.now();
        }
      }
      if (d !== null || !listBlocking) {
        for (d = await handle.read(); d !== null; d = await handle.read()) take(d);
      }
    } finally {
      await handle.close();
    }
    return out;
  },
  async readlink(path) {
    return readlink(fsPathFast(path), { encoding: 'latin1' });
  },
  readlinkNow(path) {
    return readlinkSync(fsPathFast(path), { encoding: 'latin1' });
  },
};
