/**
 * The roots index keeps a large directory's listing as a base (written whole) plus a delta: one
 * row per name whose entry differs from the base. These are the pure rules: the delta between a
 * base and a fresh listing, the listing a base and its delta stand for, and when to fold the
 * delta back into a new base.
 *
 * Why base + delta rather than one row per (directory, name): a full scan, and every reuse of an
 * unchanged directory, then still reads or writes one blob per directory (a million rows would
 * cost several times the scan), while a few changed names in a directory of 800k cost a few
 * delta rows instead of rewriting the whole listing.
 */
import type { Listing } from './listing.js';

/** An entry as the delta records it: what the name now is, or '-' for gone since the base. */
export type DeltaEntry =
  | { readonly kind: 'f' | 'd' | '-' }
  | { readonly kind: 'l'; readonly target: string };

/**
 * The delta may grow to this share of the base's entry count before the next write folds it
 * into a new base: lookups stay about one blob read, and a rewrite of a base of n names is
 * paid for by n / 8 changed names. Small directories are rewritten whole at almost any change.
 */
export const MAX_DELTA_SHARE = 1 / 8;

/** Entries (files, links and subdirectories) in a listing. */
export const sizeOf = (l: Listing): number => l.files.length + l.links.length + l.dirs.length;

/** Should a delta of `deltaSize` entries over a base of `baseSize` be folded into a new base? */
export function shouldCompact(deltaSize: number, baseSize: number, maxShare: number = MAX_DELTA_SHARE): boolean {
  return deltaSize > baseSize * maxShare;
}

const sameEntry = (a: DeltaEntry, b: DeltaEntry): boolean =>
  a.kind === b.kind && (a.kind !== 'l' || a.target === (b as { target: string }).target);

/** How far ahead a mismatch looks for the name it missed before calling it added/removed. */
const WINDOW = 32;

/**
 * Walks two name lists that are mostly in the same order (readdir keeps the relative order of
 * surviving names on every file system a store lives on) and reports which indices matched and
 * which did not. Unmatched is not yet "changed": a name out of order shows up unmatched on both
 * sides, which `deltaFromBase` reconciles, so the result is right whatever the order; order
 * only makes it cheap (string compares, no set of the whole directory).
 */
function align(a: readonly string[], b: readonly string[], onlyA: (i: number) => void, onlyB: (j: number) => void, both: (i: number, j: number) => void): void {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both(i++, j++);
      continue;
    }
    let skipA = 0;
    let skipB = 0;
    for (let k = 1; k <= WINDOW && i + k < a.length; k++) if (a[i + k] === b[j]) { skipA = k; break; }
    for (let k = 1; k <= WINDOW && j + k < b.length; k++) if (b[j + k] === a[i]) { skipB = k; break; }
    if (skipA > 0 && (skipB === 0 || skipA <= skipB)) for (let k = 0; k < skipA; k++) onlyA(i++);
    else if (skipB > 0) for (let k = 0; k < skipB; k++) onlyB(j++);
    else {
      onlyA(i++);
      onlyB(j++);
    }
  }
  while (i < a.length) onlyA(i++);
  while (j < b.length) onlyB(j++);
}

/**
 * The delta that turns `base` into `now`: every name whose entry differs (added, removed,
 * another type, a link with another target), and nothing else.
 */
export function deltaFromBase(base: Listing, now: Listing): Map<string, DeltaEntry> {
  const gone = new Map<string, DeltaEntry>();
  const came = new Map<string, DeltaEntry>();
  const delta = new Map<string, DeltaEntry>();
  const F: DeltaEntry = { kind: 'f' };
  const D: DeltaEntry = { kind: 'd' };
  align(base.files, now.files, (i) => gone.set(base.files[i]!, F), (j) => came.set(now.files[j]!, F), () => {});
  align(base.dirs, now.dirs, (i) => gone.set(base.dirs[i]!, D), (j) => came.set(now.dirs[j]!, D), () => {});
  const baseLinks = base.links.map((l) => l.name);
  const nowLinks = now.links.map((l) => l.name);
  const link = (target: string): DeltaEntry => ({ kind: 'l', target });
  align(baseLinks, nowLinks, (i) => gone.set(baseLinks[i]!, link(base.links[i]!.target)), (j) => came.set(nowLinks[j]!, link(now.links[j]!.target)), (i, j) => {
    if (base.links[i]!.target !== now.links[j]!.target) delta.set(nowLinks[j]!, link(now.links[j]!.target));
  });
  for (const [name, entry] of came) {
    const was = gone.get(name);
    if (was === undefined || !sameEntry(was, entry)) delta.set(name, entry);
    gone.delete(name);
  }
  for (const name of gone.keys()) delta.set(name, { kind: '-' });
  return delta;
}

/**
 * The listing `base` and its delta stand for (names of the delta first removed from the base,
 * then those present added). With `withFiles` false the base's files were not read: regular
 * files of the delta are left out too.
 */
export function applyDelta(base: Listing, delta: ReadonlyMap<string, DeltaEntry>, withFiles = true): Listing {
  if (delta.size === 0) return base;
  const keep = (n: string): boolean => !delta.has(n);
  const files = withFiles ? base.files.filter(keep) : [];
  const links = base.links.filter((l) => keep(l.name));
  const dirs = base.dirs.filter(keep);
  for (const [name, e] of delta) {
    if (e.kind === 'f') {
      if (withFiles) files.push(name);
    } else if (e.kind === 'l') links.push({ name, target: e.target });
    else if (e.kind === 'd') dirs.push(name);
  }
  return { files, links, dirs };
}
