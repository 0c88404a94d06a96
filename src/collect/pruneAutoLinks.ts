/**
 * Removes `gcroots/auto` links whose outside target is gone (Nix does it while finding roots,
 * reference §3.3; the collector does it at the end of a run). Each target is checked again, in
 * every place it may be (inside a chroot-style root and on the host), right before the unlink:
 * a link whose result link came back meanwhile, in either place, stays. Each unlink is on its
 * own: a kill between two leaves the rest stale, and the next run finds them stale again.
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import { fsPath } from '../store/bytes.js';
import type { RootRemoval } from '../plan/planCollection.js';
import { crashPoint } from './crashPoint.js';

export function pruneAutoLinks(stale: readonly RootRemoval[]): string[] {
  const removed: string[] = [];
  for (const { link, realTargets } of stale) {
    if (realTargets.some(mayExist)) continue;
    try {
      unlinkSync(fsPath(link));
      removed.push(link);
      crashPoint('stale-link-unlinked');
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw error;
    }
  }
  return removed;
}

/** False only when the path surely does not exist; an error that cannot tell keeps the link. */
function mayExist(path: string): boolean {
  try {
    lstatSync(fsPath(path));
    return true;
  } catch (error) {
    const errno = errnoOf(error);
    return !(errno === 'ENOENT' || errno === 'ENOTDIR');
  }
}
