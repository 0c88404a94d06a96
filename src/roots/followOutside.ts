/**
 * The I/O half of indirect roots (reference §3.3 step 2): look at a link's target outside the
 * store. A missing target makes an `auto/` link stale (Nix deletes it; storegc reports it);
 * an existing symlink is read once more.
 */
import { lstat, readlink } from 'node:fs/promises';
import { errnoOf } from '../errors.js';
import { display, fromBytes, fsPath } from '../store/bytes.js';
import type { Finding } from './types.js';

export type OutsideLook =
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-a-link' }
  | { readonly kind: 'link'; readonly target: string }
  | { readonly kind: 'error'; readonly finding: Finding };

export async function lookOutside(link: string, target: string, real: (path: string) => string): Promise<OutsideLook> {
  try {
    const st = await lstat(fsPath(real(target)));
    if (!st.isSymbolicLink()) return { kind: 'not-a-link' };
    return { kind: 'link', target: fromBytes(await readlink(fsPath(real(target)), { encoding: 'buffer' })) };
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return { kind: 'missing' };
    const skipped = errno === 'EACCES';
    return {
      kind: 'error',
      finding: {
        code: 'unreadable-root',
        path: link,
        message: skipped
          ? `cannot read potential root '${display(link)}' (${errno})`
          : `cannot read potential root '${display(link)}': ${(error as Error).message} (Nix would abort here; storegc skips it)`,
      },
    };
  }
}
