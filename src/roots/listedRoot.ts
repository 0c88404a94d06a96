/**
 * Roots of a directory whose entries the roots index decided (decideTrees.ts), as `roots --sizes`,
 * `why` and `report` take them: one small object per root pointing into the directory's listing,
 * whose link and path are made when read. At 700k roots the strings made up front (the link and
 * the path by concatenation, the link again when flattened) were 200 MB of long-lived objects,
 * and collecting around them took most of a second; the callers read them for few roots, and
 * pack the links from their parts (packRootLinks).
 */
import { packedOffsets } from '../store/byteOrder.js';
import type { PackedStrings } from '../store/byteOrder.js';
import { toStorePath } from '../store/storePath.js';
import type { Root, RootKind } from './types.js';

/** The names of one decided directory, shared by its roots. */
export interface ListedDir {
  readonly dir: string;
  readonly storeDir: string;
  /** Regular files' names (roots named after their store path). */
  readonly files?: readonly string[];
  /** Symlinks and their targets. */
  readonly links: readonly { readonly name: string; readonly target: string }[];
}

export class ListedRoot implements Root {
  /**
   * @param k the root's file (kind 'file') or link (kind 'symlink') in `listed`; a link's target
   *   was decided to lead into the store.
   */
  constructor(private readonly listed: ListedDir, private readonly k: number, readonly kind: Extract<RootKind, 'file' | 'symlink'>) {}

  /** The name below the directory. */
  get name(): string {
    return this.kind === 'file' ? this.listed.files![this.k]! : this.listed.links[this.k]!.name;
  }

  get dir(): string {
    return this.listed.dir;
  }

  get link(): string {
    return `${this.listed.dir}/${this.name}`;
  }

  /** As classify.ts makes it: a file is named after its path; a link's target leads into it. */
  get path(): string {
    if (this.kind === 'file') return `${this.listed.storeDir}/${this.name}`;
    return toStorePath(this.listed.storeDir, this.listed.links[this.k]!.target)!;
  }
}

/**
 * The roots' links, packed as packLatin1 packs them; a listed root's written from its directory
 * (its bytes made once per directory) and its name: no string made per link. Written into the
 * buffer one piece at a time: joining 1.7M pieces into one string first took twice as long.
 */
export function packRootLinks(roots: readonly Root[], shared = false): PackedStrings {
  const offsets = packedOffsets(roots.length, shared);
  for (let i = 0; i < roots.length; i++) {
    const root = roots[i]!;
    offsets[i + 1] = offsets[i]! + (root instanceof ListedRoot ? root.dir.length + 1 + root.name.length : root.link.length);
  }
  const total = offsets[roots.length]!;
  const bytes = Buffer.from(shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total));
  let dir: string | undefined;
  let dirBytes = Buffer.alloc(0);
  for (let i = 0; i < roots.length; i++) {
    const root = roots[i]!;
    const at = offsets[i]!;
    if (root instanceof ListedRoot) {
      if (root.dir !== dir) {
        dir = root.dir;
        dirBytes = Buffer.from(`${dir}/`, 'latin1');
      }
      bytes.set(dirBytes, at);
      bytes.write(root.name, at + dirBytes.length, 'latin1');
    } else {
      bytes.write(root.link, at, 'latin1');
    }
  }
  return { bytes: shared ? new Uint8Array(bytes.buffer) : bytes, offsets };
}
