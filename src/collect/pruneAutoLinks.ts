/**
 * Removes `gcroots/auto` links whose outside target is gone (Nix does it while finding roots,
 * reference §3.3; the collector does it at the end of a run). Each target is checked again
 * right before the unlink, so a link whose result link came back meanwhile stays.
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import { fsPath } from '../store/bytes.js';

export interface StaleLink {
  readonly link: string;
  /** Where the outside target is read (under a chroot-style root when one is set). */
  readonly realTarget: string;
}

export function pruneAutoLinks(stale: readonly StaleLink[]): string[] {
  const removed: string[] = [];
  for (const { link, realTarget } of stale) {
    if (exists(realTarget)) continue;
    try {
      unlinkSync(fsPath(link));
      removed.push(link);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw error;
    }
  }
  return removed;
}

function exists(path: string): boolean {
  try {
    lstatSync(fsPath(path));
    return true;
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return false;
    return true; // cannot tell: keep the link
  }
}
