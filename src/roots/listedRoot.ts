/**
 * Roots of a directory whose entries the roots index decided (decideTrees.ts), as `roots --sizes`,
 * `why` and `report` take them: one small object per root pointing into the directory's listing,
 * whose link and path are made when read. At 700k roots the strings made up front (the link and
 * the path by concatenation, the link again when flattened) were 200 MB of long-lived objects,
 * and collecting around them took most of a second; the callers read them for few roots, and
 * pack the links from their parts (packRootLinks).
 */
import { packedOffsets, packedText } from '../store/byteOrder.js';
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
 * The roots' links, packed as packLatin1 packs them; a listed root's from its directory and name,
 * joined with the rest at once: no string made per link.
 */
export function packRootLinks(roots: readonly Root[], shared = false): PackedStrings {
  const offsets = packedOffsets(roots.length, shared);
  const pieces: string[] = [];
  for (let i = 0; i < roots.length; i++) {
    const root = roots[i]!;
    if (root instanceof ListedRoot) {
      const { dir, name } = root;
      pieces.push(dir, '/', name);
      offsets[i + 1] = offsets[i]! + dir.length + 1 + name.length;
    } else {
      const { link } = root;
      pieces.push(link);
      offsets[i + 1] = offsets[i]! + link.length;
    }
  }
  return packedText(pieces.join(''), offsets, shared);
}
