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
import { isInStore } from '../../store/storePath.js';
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

/** Should a delta of `deltaSize` entries over a base of `baseSize` be folded into a new base? */
export function shouldCompact(deltaSize: number, baseSize: number, maxShare: number = MAX_DELTA_SHARE): boolean {
  return maxShare !== Infinity && deltaSize > baseSize * maxShare;
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
 * The same walk over two NUL-joined name blobs, without a string per name: runs of equal bytes
 * are skipped with memcmp, and only names near a mismatch are looked at (and only unmatched
 * ones become strings). Gives up (false) once more than `limit` names are unmatched, or (with a
 * finite limit) after WINDOW mismatches in a row, where the order is lost and the walk would
 * cost more than it saves: the caller then rewrites the listing whole, which is right whatever
 * the delta would have been.
 */
function alignBlobs(a: Buffer, b: Buffer, onlyA: (name: string) => void, onlyB: (name: string) => void, limit: number): boolean {
  const end = (buf: Buffer, p: number): number => {
    const e = buf.indexOf(0, p);
    return e === -1 ? buf.length : e;
  };
  const eq = (pa: number, pb: number): boolean => {
    const ea = end(a, pa);
    const eb = end(b, pb);
    return ea - pa === eb - pb && a.compare(b, pb, eb, pa, ea) === 0;
  };
  let pa = 0;
  let pb = 0;
  let unmatched = 0;
  let misses = 0;
  const takeA = (): void => {
    const e = end(a, pa);
    onlyA(a.toString('latin1', pa, e));
    pa = e + 1;
    unmatched++;
  };
  const takeB = (): void => {
    const e = end(b, pb);
    onlyB(b.toString('latin1', pb, e));
    pb = e + 1;
    unmatched++;
  };
  while (pa < a.length && pb < b.length) {
    if (unmatched > limit) return false;
    // Equal bytes are equal names: skip them, back to the start of the name the run ends in.
    const run = commonRun(a, pa, b, pb);
    const nul = run === 0 ? -1 : a.lastIndexOf(0, pa + run - 1);
    const skip = nul < pa ? 0 : nul + 1 - pa;
    pa += skip;
    pb += skip;
    if (eq(pa, pb)) {
      pa = end(a, pa) + 1;
      pb = end(b, pb) + 1;
      misses = 0;
      continue;
    }
    let skipA = 0;
    let skipB = 0;
    for (let k = 1, q = end(a, pa) + 1; k <= WINDOW && q < a.length; k++, q = end(a, q) + 1) if (eq(q, pb)) { skipA = k; break; }
    for (let k = 1, q = end(b, pb) + 1; k <= WINDOW && q < b.length; k++, q = end(b, q) + 1) if (eq(pa, q)) { skipB = k; break; }
    if (skipA > 0 && (skipB === 0 || skipA <= skipB)) for (let k = 0; k < skipA; k++) takeA();
    else if (skipB > 0) for (let k = 0; k < skipB; k++) takeB();
    else {
      takeA();
      takeB();
      if (++misses > WINDOW && limit !== Infinity) return false;
      continue;
    }
    misses = 0;
  }
  while (pa < a.length) {
    if (unmatched > limit) return false;
    takeA();
  }
  while (pb < b.length) {
    if (unmatched > limit) return false;
    takeB();
  }
  return unmatched <= limit;
}

/** Length of the common prefix of a[pa..] and b[pb..], found with memcmp of shrinking blocks. */
function commonRun(a: Buffer, pa: number, b: Buffer, pb: number): number {
  const n = Math.min(a.length - pa, b.length - pb);
  let r = 0;
  for (let step = 1 << 16; step >= 16; step >>= 4) {
    while (r + step <= n && a.compare(b, pb + r, pb + r + step, pa + r, pa + r + step) === 0) r += step;
  }
  while (r < n && a[pa + r] === b[pb + r]) r++;
  return r;
}

/** A base as the index stores it: the file names still as their NUL-joined blob. */
export interface PackedBase {
  readonly files: Buffer;
  readonly links: Listing['links'];
  readonly dirs: Listing['dirs'];
}

/**
 * The delta that turns `base` into `now` (whose file names joined with NUL are `nowFiles`):
 * every name whose entry differs (added, removed, another type, a link with another target),
 * and nothing else. Undefined when the walk met more than about `limit` unmatched names (write
 * the listing whole instead).
 */
export function deltaFromBase(base: PackedBase, now: Listing, nowFiles: Buffer, limit = Infinity): Map<string, DeltaEntry> | undefined {
  const gone = new Map<string, DeltaEntry>();
  const came = new Map<string, DeltaEntry>();
  const delta = new Map<string, DeltaEntry>();
  const F: DeltaEntry = { kind: 'f' };
  const D: DeltaEntry = { kind: 'd' };
  // Names out of order are unmatched on both sides; allow for them before giving up.
  if (!alignBlobs(base.files, nowFiles, (n) => gone.set(n, F), (n) => came.set(n, F), 2 * limit + 2 * WINDOW)) return undefined;
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
 * files of the delta are left out too. With `leaving` (a store dir), the base holds only the
 * links whose target leaves that store, and so does the result.
 */
export function applyDelta(base: Listing, delta: ReadonlyMap<string, DeltaEntry>, withFiles = true, leaving?: string): Listing {
  if (delta.size === 0) return base;
  const keep = (n: string): boolean => !delta.has(n);
  const files = withFiles ? base.files.filter(keep) : [];
  const links = base.links.filter((l) => keep(l.name));
  const dirs = base.dirs.filter(keep);
  for (const [name, e] of delta) {
    if (e.kind === 'f') {
      if (withFiles) files.push(name);
    } else if (e.kind === 'l') {
      if (leaving === undefined || !isInStore(leaving, e.target)) links.push({ name, target: e.target });
    }
    else if (e.kind === 'd') dirs.push(name);
  }
  return { files, links, dirs };
}
