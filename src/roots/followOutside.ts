/**
 * The I/O half of indirect roots (reference §3.3 step 2): look at a link's target outside the
 * store, in each place it may be (inside a chroot-style root and on the host: see
 * `outsidePaths`). A target missing everywhere makes an `auto/` link stale (Nix deletes it;
 * storegc reports it); an existing symlink is read once more. Blocking and non-blocking forms:
 * the caller reads warm-cache targets blocking (much cheaper) and falls back to parallel reads
 * when slow.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { errnoOf } from '../errors.js';
import { display, fsPathFast } from '../store/bytes.js';
import { unreadableRoot } from './scanTree.js';
import type { Finding } from './types.js';

export type OutsideLook =
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-a-link' }
  | { readonly kind: 'link'; readonly target: string }
  | { readonly kind: 'error'; readonly finding: Finding };

/** One look per place, in the order of the places given. */
export type OutsideLooks = readonly OutsideLook[];

export async function lookOutside(link: string, places: readonly string[]): Promise<OutsideLooks> {
  return Promise.all(places.map((place) => lookAt(link, place)));
}

export function lookOutsideNow(link: string, places: readonly string[]): OutsideLooks {
  return places.map((place) => lookAtNow(link, place));
}

/** Stale (reference §3.3): the target is missing in every place, and no look failed. */
export function isMissingEverywhere(looks: OutsideLooks): boolean {
  return looks.every((look) => look.kind === 'missing');
}

/** What the roots index records of the looks (text, for `index verify`). */
export function describeLooks(looks: OutsideLooks): string {
  return looks.map((look) => (look.kind === 'link' ? `link:${look.target}` : look.kind)).join(' | ');
}

async function lookAt(link: string, place: string): Promise<OutsideLook> {
  try {
    const path = fsPathFast(place);
    if (!(await lstat(path)).isSymbolicLink()) return { kind: 'not-a-link' };
    return { kind: 'link', target: await readlink(path, { encoding: 'latin1' }) };
  } catch (error) {
    return lookFailed(link, place, error);
  }
}

function lookAtNow(link: string, place: string): OutsideLook {
  try {
    const path = fsPathFast(place);
    // A missing target is common (stale auto/ links): no exception for it, they are costly.
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st === undefined) return { kind: 'missing' };
    if (!st.isSymbolicLink()) return { kind: 'not-a-link' };
    return { kind: 'link', target: readlinkSync(path, { encoding: 'latin1' }) };
  } catch (error) {
    return lookFailed(link, place, error);
  }
}

/** Only "does not exist" is an answer; any other error leaves the root unknown (fails closed). */
function lookFailed(link: string, place: string, error: unknown): OutsideLook {
  const errno = errnoOf(error);
  if (errno === 'ENOENT' || errno === 'ENOTDIR') return { kind: 'missing' };
  const finding = unreadableRoot(link, error);
  return { kind: 'error', finding: { ...finding, message: `${finding.message} (its target '${display(place)}')` } };
}
