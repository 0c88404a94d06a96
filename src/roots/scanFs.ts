/**
 * The file-system calls the roots scanner makes, behind an interface tests can replace (for
 * example to put directory timestamps on a virtual clock). Names and targets are binary strings.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { lstat, opendir, readlink } from 'node:fs/promises';
import type { BigIntStats, Dirent } from 'node:fs';
import { BINARY_NAMES, fsPathFast } from '../store/bytes.js';
import { NamePacker } from './index/listing.js';
import type { DirIdentity, PackedNames } from './index/listing.js';
import type { Pace } from './pace.js';

export type NodeKind = 'dir' | 'file' | 'link' | 'other';

export interface NodeStat extends DirIdentity {
  readonly kind: NodeKind;
}

/** A directory's entries by type (from d_type); other types (fifos, sockets, devices) dropped. */
export interface DirEntries {
  /** Empty when the file names were asked for packed (`packedFiles`). */
  readonly files: string[];
  readonly packedFiles?: PackedNames | undefined;
  readonly links: string[];
  readonly dirs: string[];
}

export interface ScanFs {
  /** lstat with nanosecond timestamps. */
  stat(path: string): Promise<NodeStat>;
  /** The same, blocking (see Pace). */
  statNow(path: string): NodeStat;
  /**
   * The entries of a directory with their types from readdir (d_type), no stat per entry.
   * @param packFiles give the file names packed (`packedFiles`), not as an array of strings.
   */
  list(dir: string, pace: Pace, packFiles?: boolean): Promise<DirEntries>;
  readlink(path: string): Promise<string>;
  /** The same, blocking (see Pace). */
  readlinkNow(path: string): string;
}

const DIR_BATCH = BINARY_NAMES.bufferSize;
/** A batch of cached directory entries reads in about 2 ms; one this slow came from a disk. */
const SLOW_DIR_BATCH_MS = 50;

const kindOf = (d: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }): NodeKind =>
  d.isDirectory() ? 'dir' : d.isFile() ? 'file' : d.isSymbolicLink() ? 'link' : 'other';

const nodeStat = (st: BigIntStats): NodeStat => ({ kind: kindOf(st), dev: st.dev, ino: st.ino, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs });

export const nodeScanFs: ScanFs = {
  async stat(path) {
    return nodeStat(await lstat(fsPathFast(path), { bigint: true }));
  },
  statNow(path) {
    return nodeStat(lstatSync(fsPathFast(path), { bigint: true }));
  },
  async list(dir, pace, packFiles = false) {
    // opendir, not readdir: libuv's scandir sorts the names, which for a Hydra directory of a
    // million roots costs more than reading them.
    const handle = await opendir(fsPathFast(dir), BINARY_NAMES);
    const files: string[] = [];
    const links: string[] = [];
    const dirs: string[] = [];
    const packer = packFiles ? new NamePacker() : undefined;
    const take = (d: Dirent): void => {
      if (d.isFile()) {
        if (packer === undefined) files.push(d.name);
        else packer.add(d.name);
      } else if (d.isSymbolicLink()) links.push(d.name);
      else if (d.isDirectory()) dirs.push(d.name);
    };
    const out = (): DirEntries => ({ files, packedFiles: packer?.done(), links, dirs });
    /** One batch read blocking; true at the end of the directory. */
    const batchNow = (): boolean => {
      for (let n = 0; n < DIR_BATCH; n++) {
        const d = handle.readSync();
        if (d === null) return true;
        take(d);
      }
      return false;
    };
    try {
      while (pace.blockingNow) {
        if (pace.timed(SLOW_DIR_BATCH_MS, batchNow)) return out();
      }
      for (let d = await handle.read(); d !== null; d = await handle.read()) take(d);
      return out();
    } finally {
      await handle.close();
    }
  },
  async readlink(path) {
    return readlink(fsPathFast(path), { encoding: 'latin1' });
  },
  readlinkNow(path) {
    return readlinkSync(fsPathFast(path), { encoding: 'latin1' });
  },
};
