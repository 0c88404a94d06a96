/**
 * A directory's listing as the roots index keeps it, and the pure rules about it: when a cached
 * listing may stand in for reading the directory again, and how it is packed into the index.
 */

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

export interface CachedDir {
  readonly identity: DirIdentity;
  /** Start of the scan that read this listing (same clock as file timestamps, ns). */
  readonly readAtNs: bigint;
  readonly listing: Listing;
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
export function canReuse(cached: CachedDir, current: DirIdentity, marginNs: bigint = TIMESTAMP_MARGIN_NS): boolean {
  const was = cached.identity;
  return was.dev === current.dev && was.ino === current.ino && was.mtimeNs === current.mtimeNs
    && was.ctimeNs === current.ctimeNs && current.mtimeNs < cached.readAtNs - marginNs
    && current.ctimeNs < cached.readAtNs - marginNs;
}

/** The columns a listing is stored in: names NUL-separated (no name or target holds a NUL). */
export interface PackedListing {
  readonly names: Buffer;
  /** One byte per name: f(ile), l(ink) or d(irectory). */
  readonly types: Buffer;
  /** Targets of the links, in order, NUL-separated. */
  readonly targets: Buffer;
}

const FILE = 0x66;
const LINK = 0x6c;
const DIR = 0x64;

export function packListing(listing: Listing): PackedListing {
  const names = [...listing.files, ...listing.links.map((l) => l.name), ...listing.dirs];
  const types = Buffer.alloc(names.length);
  types.fill(FILE, 0, listing.files.length);
  types.fill(LINK, listing.files.length, listing.files.length + listing.links.length);
  types.fill(DIR, listing.files.length + listing.links.length);
  return {
    names: Buffer.from(names.join('\0'), 'latin1'),
    types,
    targets: Buffer.from(listing.links.map((l) => l.target).join('\0'), 'latin1'),
  };
}

/** The listing back, or null when the columns do not fit together (a damaged index). */
export function unpackListing(packed: PackedListing): Listing | null {
  const names = splitNul(packed.names);
  const targets = splitNul(packed.targets);
  if (names.length !== packed.types.length) return null;
  const files: string[] = [];
  const links: { name: string; target: string }[] = [];
  const dirs: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const type = packed.types[i];
    if (name === '' || name.includes('/')) return null;
    if (type === FILE) files.push(name);
    else if (type === DIR) dirs.push(name);
    else if (type === LINK) {
      const target = targets[links.length];
      if (target === undefined || target === '') return null;
      links.push({ name, target });
    } else return null;
  }
  return links.length === targets.length ? { files, links, dirs } : null;
}

function splitNul(buf: Buffer): string[] {
  return buf.length === 0 ? [] : buf.toString('latin1').split('\0');
}
