/**
 * The file-system calls the roots scanner makes, behind an interface tests can replace (for
 * example to put directory timestamps on a virtual clock). Names and targets are binary strings.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { lstat, opendir, readlink } from 'node:fs/promises';
import type { BigIntStats, Dirent } from 'node:fs';
import { getSystemErrorName } from 'node:util';
import { gather, packLatin1 } from '../store/byteOrder.js';
import type { PackedStrings } from '../store/byteOrder.js';
import { BINARY_NAMES, display, fsPath, fsPathFast } from '../store/bytes.js';
import { helperBy } from '../store/native.js';
import type { By, NativeHelper } from '../store/native.js';
import { NamePacker } from './index/listing.js';
import type { DirIdentity, PackedNames } from './index/listing.js';
import type { Pace } from './pace.js';

export type NodeKind = 'dir' | 'file' | 'link' | 'other';

/** How a listing's regular files are packed, if they are (DirEntries). */
export type FilePacking = 'joined' | 'strings';

export interface NodeStat extends DirIdentity {
  readonly kind: NodeKind;
}

/** A directory's entries by type (from d_type); other types (fifos, sockets, devices) dropped. */
export interface DirEntries {
  /** Empty when the file names were asked for packed (`packedFiles` or `fileNames`). */
  readonly files: string[];
  /** Asked for 'joined': NUL-joined, as the roots index keeps them. */
  readonly packedFiles?: PackedNames | undefined;
  /** Asked for 'strings': one after the other with their offsets, as the path table looks them up. */
  readonly fileNames?: PackedStrings | undefined;
  readonly links: string[];
  /** Each link's target or the error its readlink gave, when the listing read them too (native). */
  readonly linkTargets?: (string | Error)[] | undefined;
  readonly dirs: string[];
}

export interface ScanFs {
  /** lstat with nanosecond timestamps. */
  stat(path: string): Promise<NodeStat>;
  /** The same, blocking (see Pace). */
  statNow(path: string): NodeStat;
  /**
   * The entries of a directory with their types from readdir (d_type), no stat per entry.
   * @param packFiles give the file names packed ('joined': `packedFiles`; 'strings':
   *   `fileNames`), not as an array of strings.
   */
  list(dir: string, pace: Pace, packFiles?: FilePacking): Promise<DirEntries>;
  readlink(path: string): Promise<string>;
  /** The same, blocking (see Pace). */
  readlinkNow(path: string): string;
  /**
   * The targets of the links `names` of `dir` at once, blocking (see Pace): each a target or
   * the error its readlink gave. Undefined where this file system cannot (then one by one).
   */
  readlinksNow?(dir: string, names: readonly string[]): (string | Error)[] | undefined;
}

const DIR_BATCH = BINARY_NAMES.bufferSize;
/** A batch of cached directory entries reads in about 2 ms; one this slow came from a disk. */
const SLOW_DIR_BATCH_MS = 50;

const kindOf = (d: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }): NodeKind =>
  d.isDirectory() ? 'dir' : d.isFile() ? 'file' : d.isSymbolicLink() ? 'link' : 'other';

const nodeStat = (st: BigIntStats): NodeStat => ({ kind: kindOf(st), dev: st.dev, ino: st.ino, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs });

/** The file system itself, through the native helper where it loads (`by` 'node': never). */
export function scanFsBy(by?: By): ScanFs {
  const helper = helperBy(by);
  return helper === null ? plainScanFs : { ...plainScanFs, list: (dir, pace, packFiles) => listWith(helper, dir, pace, packFiles), readlinksNow: (dir, names) => readLinksWith(helper, dir, names) };
}

/** Plain Node: a readdir batch and a readlink at a time. */
const plainScanFs: ScanFs = {
  async stat(path) {
    return nodeStat(await lstat(fsPathFast(path), { bigint: true }));
  },
  statNow(path) {
    return nodeStat(lstatSync(fsPathFast(path), { bigint: true }));
  },
  async list(dir, pace, packFiles) {
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
    const out = (): DirEntries => {
      const joined = packer?.done();
      return packFiles === 'strings' ? { files, fileNames: unjoined(joined!), links, dirs } : { files, packedFiles: joined, links, dirs };
    };
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

export const nodeScanFs: ScanFs = scanFsBy();

/** readlinksNow through the native helper (native/readLinks.c): one call for them all. */
function readLinksWith(helper: NativeHelper, dir: string, names: readonly string[]): (string | Error)[] {
  const paths = names.map((name) => `${dir}/${name}`);
  const packed = packLatin1(paths);
  const errnos = new Int32Array(names.length);
  const { bytes, offsets } = helper.readLinks(packed.bytes, packed.offsets, errnos);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return paths.map((path, i) => (errnos[i] === 0 ? text.toString('latin1', offsets[i], offsets[i + 1]) : systemError(errnos[i]!, 'readlink', path)));
}

/** `list` through the native helper while the pace allows blocking calls. */
async function listWith(helper: NativeHelper, dir: string, pace: Pace, packFiles?: FilePacking): Promise<DirEntries> {
  return (pace.blockingNow ? listedNatively(helper, dir, pace, packFiles) : undefined) ?? plainScanFs.list(dir, pace, packFiles);
}

/** d_type values (dirent.h) of the entries a scan takes. */
const DT_UNKNOWN = 0;
const DT_DIR = 4;
const DT_REG = 8;
const DT_LNK = 10;

/**
 * `list` through the native helper (native/listDir.c): the whole directory in one blocking call,
 * the pace told how long it took for its size. Undefined when an entry's type is unknown (a file
 * system without d_type): then Node's Dir reads it, as before.
 */
function listedNatively(helper: NativeHelper, dir: string, pace: Pace, packFiles: FilePacking | undefined): DirEntries | undefined {
  const t0 = performance.now();
  let listed;
  try {
    listed = helper.listDir(fsPath(dir), true, true);
  } catch (error) {
    const errno = (error as { code?: unknown }).code;
    throw typeof errno === 'string' ? Object.assign(new Error(`${errno}: opendir '${display(dir)}'`), { code: errno }) : error;
  }
  const { bytes, offsets, types, targets, targetOffsets, linkErrnos } = listed as Required<typeof listed>;
  const count = types.length;
  pace.noted(performance.now() - t0, SLOW_DIR_BATCH_MS * Math.max(1, count / DIR_BATCH));
  if (types.includes(DT_UNKNOWN)) return undefined;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const targetText = Buffer.from(targets.buffer, targets.byteOffset, targets.byteLength);
  const files: string[] = [];
  const links: string[] = [];
  const linkTargets: (string | Error)[] = [];
  const dirs: string[] = [];
  let packedBytes = 0;
  let packedCount = 0;
  for (let i = 0; i < count; i++) {
    const type = types[i];
    if (type === DT_REG && packFiles !== undefined) {
      packedBytes += offsets[i + 1]! - offsets[i]! + 1;
      packedCount++;
      continue;
    }
    if (type !== DT_REG && type !== DT_LNK && type !== DT_DIR) continue;
    const name = text.toString('latin1', offsets[i], offsets[i + 1]);
    if (type === DT_REG) {
      files.push(name);
    } else if (type === DT_LNK) {
      const k = links.push(name) - 1;
      linkTargets.push(linkErrnos[k] === 0 ? targetText.toString('latin1', targetOffsets[k], targetOffsets[k + 1]) : systemError(linkErrnos[k]!, 'readlink', `${dir}/${name}`));
    } else {
      dirs.push(name);
    }
  }
  if (packFiles === 'joined') return { files, packedFiles: packedNames(text, offsets, types, packedBytes, packedCount), links, linkTargets, dirs };
  if (packFiles === 'strings') return { files, fileNames: fileNamesOf(listed as PackedStrings, types, packedCount), links, linkTargets, dirs };
  return { files, links, linkTargets, dirs };
}

/** The regular files' names one after the other (copied by the native helper: byteOrder.c gather). */
function fileNamesOf(listed: PackedStrings, types: Uint8Array, count: number): PackedStrings {
  const which = new Int32Array(count);
  for (let i = 0, k = 0; i < types.length; i++) if (types[i] === DT_REG) which[k++] = i;
  return gather(listed, which, 0, 'native');
}

/** NUL-joined names (NamePacker's) one after the other, with their offsets. */
function unjoined(names: PackedNames): PackedStrings {
  const { bytes: from, count } = names;
  const bytes = Buffer.allocUnsafe(Math.max(0, from.length - Math.max(0, count - 1)));
  const offsets = new Uint32Array(count + 1);
  for (let b = 0, at = 0, k = 0; b <= from.length && count > 0; b++) {
    if (b === from.length || from[b] === 0) offsets[++k] = at;
    else bytes[at++] = from[b]!;
  }
  return { bytes, offsets };
}

/** The regular files' names NUL-joined (as NamePacker packs them), copied from the listing's bytes. */
function packedNames(text: Buffer, offsets: Uint32Array, types: Uint8Array, size: number, count: number): PackedNames {
  const bytes = Buffer.allocUnsafe(Math.max(0, size - 1));
  for (let i = 0, at = 0; i < types.length; i++) {
    if (types[i] !== DT_REG) continue;
    if (at > 0) bytes[at++] = 0;
    at += text.copy(bytes, at, offsets[i], offsets[i + 1]);
  }
  return { bytes, count };
}

/** An error as Node's fs makes one for a failed system call: its code the errno's name. */
export function systemError(errno: number, syscall: string, path: string): Error {
  const code = getSystemErrorName(-errno);
  return Object.assign(new Error(`${code}: ${syscall} '${display(path)}'`), { code, errno: -errno, syscall, path });
}
