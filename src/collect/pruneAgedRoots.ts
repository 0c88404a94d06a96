/**
 * Removes the aged indirect roots a plan names: first the outside link(s), then the `auto/`
 * entry. A kill between the two leaves an `auto/` link whose target is gone: stale, which the
 * next run removes as Nix would (with or without --prune-auto-roots); a kill between two places
 * of one outside link leaves the other, still old, which the next run prunes again. Each outside link is checked again right before its unlink: one
 * that is no longer a symlink (replaced by a directory, say) keeps its root.
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import type { AutoRootRemoval } from '../policy/autoRootAge.js';
import { fsPath } from '../store/bytes.js';
import { crashPoint } from './crashPoint.js';

export function pruneAgedRoots(removals: readonly AutoRootRemoval[]): AutoRootRemoval[] {
  const done: AutoRootRemoval[] = [];
  for (const removal of removals) {
    if (!removal.places.every(stillALink)) continue;
    for (const place of removal.places) {
      unlinkQuietly(place);
      crashPoint('outside-link-unlinked');
    }
    unlinkQuietly(removal.link);
    done.push(removal);
    crashPoint('auto-link-unlinked');
  }
  return done;
}

function stillALink(path: string): boolean {
  try {
    return lstatSync(fsPath(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(fsPath(path));
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
  }
}
