/**
 * The file-system calls the roots scanner makes, behind an interface tests can replace (for
 * example to put directory timestamps on a virtual clock). Names and targets are binary strings.
 */
import { readlinkSync } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
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

const kindOf = (d: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }): NodeKind =>
  d.isDirectory() ? 'dir' : d.isFile() ? 'file' : d.isSymbolicLink() ? 'link' : 'other';

export const nodeScanFs: ScanFs = {
  async stat(path) {
    const st = await lstat(fsPathFast(path), { bigint: true });
    return { kind: kindOf(st), dev: st.dev, ino: st.ino, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
  },
  async list(dir) {
    // One call per directory: a Hydra roots directory holds up to millions of entries, and
    // readdir's single pass beats iterating an opendir handle batch by batch.
    // latin1: each byte of a name becomes one char, which is how paths are held here.
    const dirents = (await readdir(fsPathFast(dir), { withFileTypes: true, encoding: 'latin1' })) as unknown as Dirent[];
    const out: DirEntries = { files: [], links: [], dirs: [] };
    for (const d of dirents) {
      if (d.isFile()) out.files.push(d.name);
      else if (d.isSymbolicLink()) out.links.push(d.name);
      else if (d.isDirectory()) out.dirs.push(d.name);
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
