/** The pure rules of the roots index: when a cached listing may be reused, and its packing. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canReuse, linksLeaving, NamePacker, packListing, TIMESTAMP_MARGIN_NS, unpackListing } from '../../../src/roots/index/listing.js';
import { isInStore } from '../../../src/store/storePath.js';
import type { CachedDir, DirIdentity } from '../../../src/roots/index/listing.js';

const S = 1_000_000_000n;
const id: DirIdentity = { dev: 1n, ino: 42n, mtimeNs: 100n * S, ctimeNs: 100n * S };
const cached = (over: Partial<CachedDir> = {}): CachedDir => ({ identity: id, readAtNs: 200n * S, listing: { files: [], links: [], dirs: [] }, entries: 0, ...over });

describe('canReuse', () => {
  it('reuses an unchanged directory that was quiet long before its listing was read', () => {
    expect(canReuse(cached(), id)).toBe(true);
  });

  it('reads again when any identity field or timestamp changed', () => {
    for (const change of [{ dev: 2n }, { ino: 43n }, { mtimeNs: 101n * S }, { ctimeNs: 150n * S }]) {
      expect(canReuse(cached(), { ...id, ...change }), JSON.stringify(change, (_, v: unknown) => String(v))).toBe(false);
    }
  });

  it('reads again when the last change came within the margin of the read (same timestamp tick)', () => {
    const read = 100n * S + TIMESTAMP_MARGIN_NS;
    expect(canReuse(cached({ readAtNs: read }), id)).toBe(false);
    expect(canReuse(cached({ readAtNs: read + 1n }), id)).toBe(true);
    expect(canReuse(cached({ readAtNs: 100n * S }), id)).toBe(false);
    const chmodded = { ...id, ctimeNs: 199n * S };
    expect(canReuse(cached({ identity: chmodded }), chmodded)).toBe(false);
  });
});

describe('packListing / unpackListing', () => {
  const name = fc.string({ minLength: 1, maxLength: 12, unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)) }).filter((s) => !s.includes('/'));
  const target = fc.string({ minLength: 1, maxLength: 40, unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)) });

  it('round-trips any listing of binary-string names and targets', () => {
    fc.assert(fc.property(
      fc.uniqueArray(name, { maxLength: 30 }).chain((names) => fc.tuple(fc.constant(names), fc.array(fc.constantFrom('f', 'l', 'd'), { minLength: names.length, maxLength: names.length }), fc.array(target, { minLength: names.length, maxLength: names.length }))),
      ([names, kinds, targets]) => {
        const listing = {
          files: names.filter((_, i) => kinds[i] === 'f'),
          links: names.flatMap((n, i) => (kinds[i] === 'l' ? [{ name: n, target: targets[i]! }] : [])),
          dirs: names.filter((_, i) => kinds[i] === 'd'),
        };
        expect(unpackListing(packListing(listing))).toEqual(listing);
      },
    ), { numRuns: 500 });
  });

  it('names packed one at a time as read are the files column packListing writes', () => {
    // Long names too, so that the packer's buffer has to grow (it starts at 64 KiB).
    const long = fc.string({ minLength: 1, maxLength: 3000, unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)) }).filter((s) => !s.includes('/'));
    fc.assert(fc.property(fc.array(fc.oneof(name, long), { maxLength: 60 }), (files) => {
      const packer = new NamePacker();
      for (const f of files) packer.add(f);
      const packed = packer.done();
      expect(packed.count).toBe(files.length);
      expect(packed.bytes.equals(packListing({ files, links: [], dirs: [] }).files)).toBe(true);
      expect(packListing({ files: [], links: [], dirs: [] }, packed).files.equals(packed.bytes)).toBe(true);
    }), { numRuns: 300 });
  });

  it('linksLeaving gives exactly the links whose target is not in the store (isInStore), from the bytes', () => {
    const store = '/nix/store';
    const near = fc.constantFrom('/nix/store', '/nix/store/', '/nix/store/a', '/nix/store/a-b/c', '/nix/storex/a', '/nix/stor', 'nix/store/a', '/home/u/result', '../x', '/nix/store//a');
    fc.assert(fc.property(fc.array(fc.tuple(name, fc.oneof(near, target)), { maxLength: 20 }).map((ls) => [...new Map(ls)].map(([n, t]) => ({ name: n, target: t }))), fc.constantFrom(store, '', 'rel/store', '/'), (links, storeDir) => {
      const packed = packListing({ files: [], links, dirs: [] });
      expect(linksLeaving(packed.links, packed.targets, storeDir)).toEqual(links.filter((l) => !isInStore(storeDir, l.target)));
      expect(unpackListing(packed, storeDir)).toEqual({ files: [], links: links.filter((l) => !isInStore(storeDir, l.target)), dirs: [] });
    }), { numRuns: 1000 });
  });

  it('linksLeaving refuses columns unpackListing refuses', () => {
    const packed = packListing({ files: [], links: [{ name: 'l', target: '/nix/store/x' }, { name: 'm', target: '/t' }], dirs: [] });
    const bad: Array<[string, string]> = [['l', ''], ['', '/t'], ['l\0m', '/t'], ['l', '/t\0/u'], ['l/m', '/t'], ['l\0', '/t\0'], ['\0l', '\0/t'], ['l\0\0m', '/t\0x\0/u']];
    for (const [names, targets] of bad) {
      const cols = { ...packed, links: Buffer.from(names, 'latin1'), targets: Buffer.from(targets, 'latin1') };
      expect(unpackListing(cols), JSON.stringify([names, targets])).toBeNull();
      expect(linksLeaving(cols.links, cols.targets, '/nix/store'), JSON.stringify([names, targets])).toBeNull();
    }
    expect(linksLeaving(packed.links, packed.targets, '/nix/store')).toEqual([{ name: 'm', target: '/t' }]);
  });

  it('rejects columns that do not fit together instead of trusting them', () => {
    const packed = packListing({ files: ['a'], links: [{ name: 'l', target: '/t' }], dirs: ['d'] });
    expect(unpackListing(packed)).toEqual({ files: ['a'], links: [{ name: 'l', target: '/t' }], dirs: ['d'] });
    expect(unpackListing({ ...packed, targets: Buffer.alloc(0) })).toBeNull();
    expect(unpackListing({ ...packed, targets: Buffer.from('/t\0/u') })).toBeNull();
    expect(unpackListing({ ...packed, dirs: Buffer.from('d/e') })).toBeNull();
    expect(unpackListing({ ...packed, files: Buffer.from('a\0\0b') })).toBeNull();
  });

  it('can leave the files out without reading them', () => {
    const packed = packListing({ files: ['a', 'b'], links: [{ name: 'l', target: '/t' }], dirs: [] });
    expect(unpackListing({ ...packed, files: undefined })).toEqual({ files: [], links: [{ name: 'l', target: '/t' }], dirs: [] });
  });
});
