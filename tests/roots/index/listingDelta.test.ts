/** The pure rules of base + delta listings: the delta is exact, and small when little changed. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packListing } from '../../../src/roots/index/listing.js';
import type { Listing } from '../../../src/roots/index/listing.js';
import { applyDelta, deltaFromBase as deltaOf, shouldCompact } from '../../../src/roots/index/listingDelta.js';

/** The delta as the index computes it: from the base's packed file names and the new listing. */
const deltaFromBase = (base: Listing, now: Listing, limit?: number) => deltaOf({ ...base, files: packListing(base).files }, now, packListing(now).files, limit);

type Kind = 'f' | 'l' | 'd';
type Entries = Map<string, { kind: Kind; target: string }>;

// A small alphabet, so that names are often prefixes of one another (a byte-wise walk's pitfall).
const name = fc.string({ minLength: 1, maxLength: 4, unit: fc.constantFrom('a', 'b', '\xe9', '\x01') });

/** Entries in a given order, as a listing (each kind keeps that relative order, like readdir). */
function listingOf(order: readonly string[], e: Entries): Listing {
  const of = (k: Kind): string[] => order.filter((n) => e.get(n)!.kind === k);
  return { files: of('f'), links: of('l').map((n) => ({ name: n, target: e.get(n)!.target })), dirs: of('d') };
}

/** A listing as sorted lines, order aside. */
function lines(l: Listing): string[] {
  return [...l.files.map((n) => `f ${n}`), ...l.links.map((x) => `l ${x.name} -> ${x.target}`), ...l.dirs.map((n) => `d ${n}`)].sort();
}

const entriesArb = fc.uniqueArray(name, { maxLength: 40 }).chain((names) => fc.tuple(
  fc.constant(names),
  fc.array(fc.tuple(fc.constantFrom<Kind>('f', 'l', 'd'), fc.constantFrom('/a', '/b', 'c')), { minLength: names.length, maxLength: names.length }),
)).map(([names, kinds]) => new Map(names.map((n, i) => [n, { kind: kinds[i]![0], target: kinds[i]![1] }])) as Entries);

describe('deltaFromBase / applyDelta', () => {
  it('base + delta is exactly the new listing, whatever changed and in whatever order', () => {
    fc.assert(fc.property(entriesArb, entriesArb, fc.boolean(), fc.nat(), (before, after, keepOrder, seed) => {
      // The new listing: some names of the old one, some new ones, kinds and targets changed.
      const baseOrder = [...before.keys()];
      const now: Entries = new Map([...after].filter(([n]) => !before.has(n) || seed % 3 !== 0));
      for (const [n, e] of before) if (!now.has(n) && (n.charCodeAt(0) + seed) % 4 !== 0) now.set(n, e);
      const nowOrder = keepOrder
        ? [...baseOrder.filter((n) => now.has(n)), ...[...now.keys()].filter((n) => !before.has(n))]
        : [...now.keys()].sort(() => 0).reverse();
      const base = listingOf(baseOrder, before);
      const fresh = listingOf(nowOrder, now);
      const delta = deltaFromBase(base, fresh)!;
      expect(lines(applyDelta(base, delta))).toEqual(lines(fresh));
      // Every delta entry is a real difference from the base.
      for (const [n, e] of delta) {
        const was = before.get(n);
        const is = now.get(n);
        expect(is === undefined ? e.kind === '-' : e.kind === is.kind && (e.kind !== 'l' || e.target === is.target)).toBe(true);
        expect(was !== undefined && is !== undefined && was.kind === is.kind && (is.kind !== 'l' || was.target === is.target)).toBe(false);
      }
    }), { numRuns: 1000 });
  });

  it('a few names added to or removed from a big directory make a delta of those names only', () => {
    const files = Array.from({ length: 50_000 }, (_, i) => `${(i * 7919 % 50_000).toString(36)}-root`);
    const base: Listing = { files, links: [{ name: 'l', target: '/t' }], dirs: ['sub'] };
    const added = ['zz-new-1', 'zz-new-2', 'zz-new-3'];
    const now: Listing = {
      files: [...files.slice(0, 100), added[0]!, ...files.slice(100, 30_000).filter((_, i) => i !== 5), added[1]!, added[2]!, ...files.slice(30_000)],
      links: [{ name: 'l', target: '/u' }],
      dirs: [],
    };
    const delta = deltaFromBase(base, now)!;
    expect(new Map([...delta].sort())).toEqual(new Map([
      [files[105]!, { kind: '-' }], ['l', { kind: 'l', target: '/u' }], ['sub', { kind: '-' }],
      ...added.map((n) => [n, { kind: 'f' }] as const),
    ].sort()));
    expect(applyDelta(base, delta).files.length).toBe(50_002);
    // A walk that meets more unmatched names than allowed gives up (the listing is rewritten).
    expect(deltaFromBase(base, { ...base, files: [...files].reverse() }, 100)).toBeUndefined();
    expect(deltaFromBase(base, { ...base, files: [...files].reverse() })!.size).toBe(0);
    // Without its files, the listing leaves out the delta's files too.
    expect(applyDelta({ ...base, files: [] }, delta, false)).toEqual({ files: [], links: [{ name: 'l', target: '/u' }], dirs: [] });
  });

  it('folds a delta into a new base once it outgrows its share of the base', () => {
    expect(shouldCompact(100, 800_000)).toBe(false);
    expect(shouldCompact(100_001, 800_000)).toBe(true);
    expect(shouldCompact(1, 5)).toBe(true);
    expect(shouldCompact(0, 0)).toBe(false);
    expect(shouldCompact(10, 10, Infinity)).toBe(false);
    expect(shouldCompact(1, 1000, 0)).toBe(true);
  });
});
