/**
 * `--prune-auto-roots DURATION` (issue 9): which indirect roots to remove — those whose outside
 * link is a symlink into the store made more than DURATION ago. Pure. Fails closed: an auto root
 * is pruned only if every place its outside link exists is such an old store link (a regular
 * file, a directory, a newer link or one that cannot be read keeps it); profiles, regular-file
 * roots and links outside an `auto/` indirection are never candidates.
 */
import type { AutoRoot } from '../roots/autoRoots.js';

export interface AutoRootRemoval {
  /** The `gcroots/auto/` entry. */
  readonly link: string;
  /** The outside link (logical), as roots name it. */
  readonly target: string;
  /** Where the outside link is removed (each place it exists). */
  readonly places: readonly string[];
}

export function agedAutoRoots(roots: readonly AutoRoot[], olderThanSeconds: number, nowSeconds: number): AutoRootRemoval[] {
  const cutoff = nowSeconds - olderThanSeconds;
  const out: AutoRootRemoval[] = [];
  for (const root of roots) {
    const present = root.places.filter((p) => p.kind !== 'missing');
    if (present.length === 0) continue; // stale: the ordinary stale-link rule handles it
    if (present.every((p) => p.kind === 'store-link' && p.mtime < cutoff)) {
      out.push({ link: root.link, target: root.outside, places: present.map((p) => p.place) });
    }
  }
  return out;
}
