/**
 * A directory's listing as the roots index keeps it, and the pure rules about it: when a cached
 * listing may stand in for reading the directory again, and how it is packed into the index.
 */
import { isInStore } from '../../store/storePath.js';

import type { DecisionScope, DirDecisions } from './decisions.js';

/** What identifies one state of a directory: a change of any field means "read it again". */
export interface DirIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** The entries of one directory that matter to root discovery (reference §3.2). */
export interface Listing {
  /** Names of regular files (possible roots named after store paths). */
  readonly files: readonly string[];
  /** Symlinks and their targets, read once. */
  readonly links: readonly { readonly name: string; readonly target: string }[];
  /** Real subdirectories: always visited, and checked themselves. */
  readonly dirs: readonly string[];
}

/** File names NUL-joined as latin1 bytes (the index's `files` column), and how many there are. */
export interface PackedNames {
  readonly bytes: Buffer;
  readonly count: number;
}

export interface CachedDir {
  readonly identity: DirIdentity;
  /** Start of the scan that read this listing (same clock as file timestamps, ns). */
  readonly readAtNs: bigint;
  /** Its `files` are empty when they were not wanted as strings (see `packedFiles`). */
  readonly listing: Listing;
  /**
   * The file names as read from the directory, packed as the index stores them, when the scan
   * did not want them as strings (`index update`): then `listing.files` is empty and these are
   * what the index writes. A Hydra directory's 800k names thus never become an array of strings
   * kept through the scan, nor are they joined again to be saved or compared with the base.
   */
  readonly packedFiles?: PackedNames | undefined;
  /** Files and links in the directory (also when the listing was looked up without its files). */
  readonly entries: number;
  /**
   * The entries' kept decisions (decisions.ts), when the lookup asked for them and they were
   * kept for its scope: then the listing's files were not read, and these stand for them.
   */
  readonly decisions?: DirDecisions;
  /**
   * Set when `decisions` were translated from the graph the current one was refreshed from
   * (decisions.ts): they are kept again for this graph; with `recheck`, entries decided INVALID
   * are classified again by name (the listing then has its files).
   */
  readonly translated?: { readonly recheck: boolean };
}

/** What a lookup of a cached listing wants of it (see `RootsIndex.lookup`). */
export interface LookupOptions {
  /** false: the listing's files are not wanted (`index update`); they are not even read. */
  readonly withFiles?: boolean;
  /**
   * When given and false for the cached identity and read time, the listing is not read at all
   * (a changed directory is listed again anyway) and the lookup gives undefined.
   */
  readonly usable?: ((cached: Pick<CachedDir, 'identity' | 'readAtNs'>) => boolean) | undefined;
  /** With files: the kept decisions of this scope, when kept for the listing, come instead of its files. */
  readonly scope?: DecisionScope | undefined;
  /** Without files, a store dir: only the links whose target leaves it are wanted. */
  readonly leaving?: string | undefined;
}

/**
 * Time a directory must have been quiet before the read of its listing for that listing to be
 * trusted later. A change in the same timestamp tick as the read leaves mtime and ctime as they
 * were, so a listing read within this margin of the last change may miss it. Three seconds
 * exceeds the granularity of every file system a store lives on (nanoseconds on ext4, xfs,
 * btrfs and tmpfs, with a kernel clock tick of at most 10 ms; 1 s on some network file systems;
 * 2 s on FAT) and covers moderate clock skew between an NFS server and this machine.
 */
export const TIMESTAMP_MARGIN_NS = 3_000_000_000n;

/**
 * May `cached` stand in for reading the directory whose identity is now `current`? Only if
 * nothing about the directory changed and its last change came well before the listing was
 * read (so no change in the same tick can hide behind equal timestamps).
 */
export function canReuse(cached: Pick<CachedDir, 'identity' | 'readAtNs'>, current: DirIdentity, marginNs: bigint = TIMESTAMP_MARGIN_NS): boolean {
  const was = cached.identity;
  return was.dev === current.dev && was.ino === current.ino && was.mtimeNs === current.mtimeNs
    && was.ctimeNs === current.ctimeNs && current.mtimeNs < cached.readAtNs - marginNs
    && current.ctimeNs < cached.readAtNs - marginNs;
}

/**
 * The columns a listing is stored in, each NUL-separated (no name or target holds a NUL). File
 * names have a column of their own: a scan that only brings the index up to date never reads it
 * for an unchanged directory, and in a Hydra roots directory that is almost all of the data.
 */
export interface PackedListing {
  readonly files: Buffer;
  readonly links: Buffer;
  /** Targets of the links, in the same order. */
  readonly targets: Buffer;
  readonly dirs: Buffer;
}

const join0 = (names: readonly string[]): Buffer => Buffer.from(names.join('\0'), 'latin1');

/** @param files the file names already packed, if they were read that way (`packedFiles`). */
export function packListing(listing: Listing, files?: PackedNames): PackedListing {
  return {
    files: files?.bytes ?? join0(listing.files),
    links: join0(listing.links.map((l) => l.name)),
    targets: join0(listing.links.map((l) => l.target)),
    dirs: join0(listing.dirs),
  };
}

/**
 * The listing back, or null when the columns do not fit together (a damaged index). With
 * `files` absent, the listing's files are left out (not read). With `leaving` (a store dir),
 * only the links whose target leaves that store are given back (see `linksLeaving`).
 */
export function unpackListing(packed: Omit<PackedListing, 'files'> & { files?: Buffer | undefined }, leaving?: string): Listing | null {
  const files = packed.files === undefined ? [] : splitNul(packed.files);
  const dirs = splitNul(packed.dirs);
  for (const names of [files, dirs]) for (const n of names) if (n === '' || n.includes('/')) return null;
  if (leaving !== undefined) {
    const links = linksLeaving(packed.links, packed.targets, leaving);
    return links === null ? null : { files, links, dirs };
  }
  const linkNames = splitNul(packed.links);
  const targets = splitNul(packed.targets);
  if (linkNames.length !== targets.length) return null;
  for (const n of linkNames) if (n === '' || n.includes('/')) return null;
  for (const t of targets) if (t === '') return null;
  return { files, links: linkNames.map((name, i) => ({ name, target: targets[i]! })), dirs };
}

/**
 * The links of the packed columns whose target is not in `storeDir` (Nix's isInStore, §2.4):
 * those are what `index update` looks at (their outside targets change without touching the
 * roots tree); links into the store, almost every link of a roots tree, it needs only as the
 * index's bytes, so no object or entry is made for them and their strings die young. Null when
 * the columns do not fit together.
 */
export function linksLeaving(names: Buffer, targets: Buffer, storeDir: string): { name: string; target: string }[] | null {
  const linkNames = splitNul(names);
  const linkTargets = splitNul(targets);
  if (linkNames.length !== linkTargets.length) return null;
  const out: { name: string; target: string }[] = [];
  for (let i = 0; i < linkNames.length; i++) {
    const name = linkNames[i]!;
    const target = linkTargets[i]!;
    if (name === '' || target === '' || name.includes('/')) return null;
    if (!isInStore(storeDir, target)) out.push({ name, target });
  }
  return out;
}

/**
 * A listing's links as packed in the index (names and targets NUL-joined), checked as
 * unpackListing checks them and read by index: a decided directory needs the name and target of
 * only the links its decisions do not settle (OUTSIDE, INVALID), and a per-user tree of 140k
 * links made into objects and strings was ~30 MB beside the graph at the roots scan's peak.
 */
export class PackedLinks {
  private constructor(
    private readonly names: Buffer,
    private readonly targets: Buffer,
    /** Link i's name is names[nameAt[i], nameAt[i + 1] - 1), its target likewise. */
    private readonly nameAt: Uint32Array,
    private readonly targetAt: Uint32Array,
    private readonly inStoreFlags: Uint8Array,
  ) {}

  /** The links of `names` and `targets`, or null where unpackListing would find them damaged. */
  static of(names: Buffer, targets: Buffer, storeDir: string): PackedLinks | null {
    const ends = (buf: Buffer): number[] | null => {
      const out: number[] = [];
      if (buf.length === 0) return out;
      for (let at = 0; ;) {
        const nul = buf.indexOf(0, at);
        const end = nul === -1 ? buf.length : nul;
        if (end === at) return null;
        out.push(end);
        if (nul === -1) return out;
        at = nul + 1;
      }
    };
    const nameEnds = ends(names);
    const targetEnds = ends(targets);
    if (nameEnds === null || targetEnds === null || nameEnds.length !== targetEnds.length) return null;
    const n = nameEnds.length;
    const nameAt = new Uint32Array(n + 1);
    const targetAt = new Uint32Array(n + 1);
    const inStoreFlags = new Uint8Array(n);
    const store = Buffer.from(`${storeDir}/`, 'latin1');
    // No name holds a slash (between names there are only NULs).
    if (names.includes(0x2f)) return null;
    for (let i = 0; i < n; i++) {
      nameAt[i + 1] = nameEnds[i]! + 1;
      targetAt[i + 1] = targetEnds[i]! + 1;
      // isInStore: absolute, the store directory, a slash, and at least one byte more.
      const t = targetAt[i]!;
      if (targets[t] === 0x2f && targetEnds[i]! - t >= store.length + 1 && targets.compare(store, 0, store.length, t, t + store.length) === 0) inStoreFlags[i] = 1;
    }
    return new PackedLinks(names, targets, nameAt, targetAt, inStoreFlags);
  }

  get length(): number {
    return this.inStoreFlags.length;
  }

  inStore(i: number): boolean {
    return this.inStoreFlags[i] === 1;
  }

  link(i: number): { name: string; target: string } {
    return {
      name: this.names.toString('latin1', this.nameAt[i], this.nameAt[i + 1]! - 1),
      target: this.targets.toString('latin1', this.targetAt[i], this.targetAt[i + 1]! - 1),
    };
  }

  /** The links where `wanted(i)`, the others one shared empty link (their index kept). */
  sparse(wanted: (i: number) => boolean): Listing['links'] {
    const none = Object.freeze({ name: '', target: '' });
    return Array.from({ length: this.length }, (_, i) => (wanted(i) ? this.link(i) : none));
  }
}

function splitNul(buf: Buffer): string[] {
  return buf.length === 0 ? [] : buf.toString('latin1').split('\0');
}

/**
 * Packs names one at a time, as a directory is read, into the NUL-joined form `packListing`
 * gives: no array of the names is kept, and each name's string can die young.
 */
export class NamePacker {
  private buf = Buffer.allocUnsafe(1 << 16);
  private end = 0;
  private n = 0;

  add(name: string): void {
    const need = this.end + name.length + 1;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    if (this.n++ > 0) this.buf[this.end++] = 0;
    this.end += this.buf.write(name, this.end, 'latin1');
  }

  /** The names so far, in a buffer of their own size. */
  done(): PackedNames {
    return { bytes: Buffer.from(this.buf.subarray(0, this.end)), count: this.n };
  }
}
