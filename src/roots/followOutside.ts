/**
 * The I/O half of indirect roots (reference §3.3 step 2): look at a link's target outside the
 * store. A missing target makes an `auto/` link stale (Nix deletes it; storegc reports it);
 * an existing symlink is read once more. Blocking and non-blocking forms: the caller reads
 * warm-cache targets blocking (much cheaper) and falls back to parallel reads when slow.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { errnoOf } from '../errors.js';
import { fsPathFast } from '../store/bytes.js';
import { unreadableRoot } from './scanTree.js';
import type { Finding } from './types.js';

export type OutsideLook =
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-a-link' }
  | { readonly kind: 'link'; readonly target: string }
  | { readonly kind: 'error'; readonly finding: Finding };

export async function lookOutside(link: string, target: string, real: (path: string) => string): Promise<OutsideLook> {
  try {
    const path = fsPathFast(real(target));
    if (!(await lstat(path)).isSymbolicLink()) return { kind: 'not-a-link' };
    return { kind: 'link', target: await readlink(path, { encoding: 'latin1' }) };
  } catch (error) {
    return lookFailed(link, error);
  }
}

export function lookOutsideNow(link: string, target: string, real: (path: string) => string): OutsideLook {
  try {
    const path = fsPathFast(real(target));
    // A missing target is common (stale auto/ links): no exception for it, they are costly.
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st === undefined) return { kind: 'missing' };
    if (!st.isSymbolicLink()) return { kind: 'not-a-link' };
    return { kind: 'link', target: readlinkSync(path, { encoding: 'latin1' }) };
  } catch (error) {
    return lookFailed(link, error);
  }
}

function lookFailed(link: string, error: unknown): OutsideLook {
  const errno = errnoOf(error);
  if (errno === 'ENOENT' || errno === 'ENOTDIR') return { kind: 'missing' };
  return { kind: 'error', finding: unreadableRoot(link, error) };
}
