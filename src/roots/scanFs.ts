/**
 * The file-system calls the roots scanner makes, behind an interface tests can replace (for
 * example to put directory timestamps on a virtual clock). Names and targets are binary strings.
 */
import { lstat, readdir, readlink } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { fromBytes, fsPath } from '../store/bytes.js';
import type { DirIdentity } from './index/listing.js';

export type NodeKind = 'dir' | 'file' | 'link' | 'other';

export interface NodeStat extends DirIdentity {
  readonly kind: NodeKind;
}

export interface DirEntry {
  readonly name: string;
  readonly kind: NodeKind;
}

export interface ScanFs {
  /** lstat with nanosecond timestamps. */
  stat(path: string): Promise<NodeStat>;
  /** The entries of a directory with their types from readdir (d_type), no stat per entry. */
  list(dir: string): Promise<DirEntry[]>;
  readlink(path: string): Promise<string>;
}

const kindOf = (d: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }): NodeKind =>
  d.isDirectory() ? 'dir' : d.isFile() ? 'file' : d.isSymbolicLink() ? 'link' : 'other';

export const nodeScanFs: ScanFs = {
  async stat(path) {
    const st = await lstat(fsPath(path), { bigint: true });
    return { kind: kindOf(st), dev: st.dev, ino: st.ino, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
  },
  async list(dir) {
    // One call per directory: a Hydra roots directory holds up to millions of entries, and
    // readdir's single pass beats iterating an opendir handle batch by batch.
    const dirents = (await readdir(fsPath(dir), { withFileTypes: true, encoding: 'buffer' })) as unknown as Dirent<Buffer>[];
    return dirents.map((d) => ({ name: fromBytes(d.name), kind: kindOf(d) }));
  },
  async readlink(path) {
    return fromBytes(await readlink(fsPath(path), { encoding: 'buffer' }));
  },
};
