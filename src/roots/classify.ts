/**
 * Which tree entries are roots (reference §3.2-3.3). Pure: validity comes in as a predicate.
 */
import { canonPath, dirName, baseName, isInStore, isValidBaseName, isValidBaseNameAt, toStorePath } from '../store/storePath.js';
import type { Root, TreeEntry } from './types.js';
import type { PackedStrings } from '../store/byteOrder.js';

export type Decision =
  /** `id`: the root's graph id, when the context looks ids up (`idOf`). */
  | { readonly kind: 'root'; readonly root: Root; readonly id?: number }
  /** Points into the store at a path that is not valid: Nix prints "skipping invalid root". */
  | { readonly kind: 'invalid'; readonly link: string; readonly target: string }
  /** Points outside the store: the target (canonical, absolute) must be looked at (§3.3 step 2). */
  | { readonly kind: 'outside'; readonly link: string; readonly target: string }
  /** `absent`: a file named after a store path that is not valid (a root once that path is registered). */
  | { readonly kind: 'ignore'; readonly absent?: true };

const IGNORE: Decision = { kind: 'ignore' };
const ABSENT: Decision = { kind: 'ignore', absent: true };

/** fileRootId: the name is not a store path's name (the file is ignored). */
export const NOT_A_STORE_NAME = -1;
/** fileRootId: named after a store path that is not valid (a root once it is registered). */
export const NOT_VALID = -2;

/**
 * classifyEntry of a regular file named `base`, as the root's graph id alone (no Root, no
 * string made), or NOT_A_STORE_NAME, or NOT_VALID.
 */
export function fileRootId(base: string, ids: NonNullable<ClassifyContext['ids']>): number {
  if (!isValidBaseName(base)) return NOT_A_STORE_NAME;
  const id = ids.idOfName(base);
  return id === -1 ? NOT_VALID : id;
}

/** fileRootId of the name bytes[from .. to) (latin1), with no string made. */
export function fileRootIdAt(bytes: Uint8Array, from: number, to: number, ids: NonNullable<ClassifyContext['ids']>): number {
  if (!isValidBaseNameAt(bytes, from, to)) return NOT_A_STORE_NAME;
  const id = ids.idOfNameBytes(bytes, from, to);
  return id === -1 ? NOT_VALID : id;
}

/**
 * fileRootId of `base` from its id looked up already (`found`: ids.idOfName's answer, or
 * PathTable.idsOfNames' for many names at once).
 */
export function fileRootIdFound(base: string, found: number): number {
  if (!isValidBaseName(base)) return NOT_A_STORE_NAME;
  return found === -1 ? NOT_VALID : found;
}

/** classifyEntry of the regular file `link` named `base`, from its fileRootId. */
export function fileDecision(link: string, base: string, id: number, storeDir: string): Decision {
  return id === NOT_A_STORE_NAME ? IGNORE : id === NOT_VALID ? ABSENT : { kind: 'root', root: { link, path: `${storeDir}/${base}`, kind: 'file' }, id };
}

export interface ClassifyContext {
  readonly storeDir: string;
  readonly isValid: (path: string) => boolean;
  /**
   * Instead of `isValid`, when given: the path's graph id, -1 when not valid (its store name
   * alone for `idOfName`), so that liveness need not look each root up again.
   */
  readonly ids?: {
    idOf(path: string): number;
    idOfName(name: string): number;
    idOfNameBytes(bytes: Uint8Array, start: number, end: number): number;
    /** Many names at once (PathTable.idsOfNames), when the context can. */
    idsOfNames?(names: PackedStrings): Int32Array;
  };
}

export function classifyEntry(entry: TreeEntry, ctx: ClassifyContext): Decision {
  if (entry.type === 'file') {
    // A regular file named after a valid store path is a root; its contents are ignored.
    const base = entry.name ?? baseName(entry.path);
    if (ctx.ids !== undefined) return fileDecision(entry.path, base, fileRootId(base, ctx.ids), ctx.storeDir);
    if (!isValidBaseName(base)) return IGNORE;
    const path = `${ctx.storeDir}/${base}`;
    return ctx.isValid(path) ? { kind: 'root', root: { link: entry.path, path, kind: 'file' } } : ABSENT;
  }
  if (isInStore(ctx.storeDir, entry.target)) return classifyStoreTarget(entry.path, entry.target, 'symlink', ctx);
  return { kind: 'outside', link: entry.path, target: outsideTarget(entry.path, entry.target) };
}

/** Where a symlink that does not point into the store leads: canonical, absolute (§3.3 step 2). */
export function outsideTarget(link: string, target: string): string {
  return target.startsWith('/') ? canonPath(target) : canonPath(`${dirName(link)}/${target}`);
}

/** Is this tree entry a symlink whose target must be looked at outside the store? */
export function leadsOutside(entry: TreeEntry, storeDir: string): entry is TreeEntry & { type: 'symlink' } {
  return entry.type === 'symlink' && !isInStore(storeDir, entry.target);
}

/**
 * The second hop of an indirect root: `link` is the outside symlink (say `/home/u/result`),
 * and it is the label Nix prints. Only an absolute target into the store counts: exactly one
 * level of indirection.
 */
export function classifySecondHop(link: string, target: string, ctx: ClassifyContext): Decision {
  return isInStore(ctx.storeDir, target) ? classifyStoreTarget(link, target, 'indirect', ctx) : IGNORE;
}

function classifyStoreTarget(link: string, target: string, kind: 'symlink' | 'indirect', ctx: ClassifyContext): Decision {
  const path = toStorePath(ctx.storeDir, target);
  if (path === null) return IGNORE;
  if (ctx.ids !== undefined) {
    const id = ctx.ids.idOf(path);
    return id !== -1 ? { kind: 'root', root: { link, path, kind }, id } : { kind: 'invalid', link, target };
  }
  return ctx.isValid(path) ? { kind: 'root', root: { link, path, kind } } : { kind: 'invalid', link, target };
}

/** Only dangling links strictly inside `gcroots/auto/` are stale (Nix deletes them; we report). */
export function isAutoLink(stateDir: string, link: string): boolean {
  return link.startsWith(`${stateDir}/gcroots/auto/`);
}
