import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PathTable } from '../../src/graph/pathTable.js';
import { sortedOrder } from '../../src/graph/pathOrder.js';
import { packLatin1 } from '../../src/store/byteOrder.js';
import { native } from '../../src/store/native.js';

const STORE = '/nix/store';
const base32 = fc.constantFrom(...'0123456789abcdfghijklmnpqrsvwxyz'.split(''));
const hash = fc.array(base32, { minLength: 32, maxLength: 32 }).map((cs) => cs.join(''));
const name = fc.stringMatching(/^[a-zA-Z0-9+._?=-]{1,12}$/);
/** Store paths, many sharing long hash prefixes (the sort's tie case), some not in the store dir. */
const path = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(hash, name).map(([h, n]) => `${STORE}/${h}-${n}`) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('000000', 'zzzzzz', '0a0a0a'), hash, name).map(([p, h, n]) => `${STORE}/${p}${h.slice(6)}-${n}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('/elsewhere', '/nix/stor', '/nix/store/x/y', '/nix/storeX'), name).map(([d, n]) => `${d}/${n}`) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 }).map((s) => `${STORE}/${s}`) },
);

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));

describe('PathTable', () => {
  // Tables where every path is under the store dir take a shorter comparison: both kinds are checked.
  it('has the native helper here (npm ci builds it)', () => {
    expect(native()).not.toBeNull();
  });

  it.each([
    ['some paths outside the store dir', path, 'native'],
    ['every path under the store dir', path.filter((p) => p.startsWith(`${STORE}/`)), 'native'],
    ['some paths outside the store dir', path, 'node'],
    ['every path under the store dir', path.filter((p) => p.startsWith(`${STORE}/`)), 'node'],
  ] as const)('gives each path its rank in byte order and finds it again, by path or by store name (%s, %s)', (_, paths0, by) => {
    fc.assert(fc.property(fc.uniqueArray(paths0, { maxLength: 300 }), fc.array(path, { maxLength: 20 }), (paths, probes) => {
      const { table, idOf } = PathTable.fromPacked(`${STORE}/`, packLatin1(paths), by);
      const sorted = [...paths].sort(byBytes);
      expect(table.size).toBe(paths.length);
      for (let id = 0; id < sorted.length; id++) expect(table.pathOf(id)).toBe(sorted[id]);
      paths.forEach((p, i) => {
        expect(table.pathOf(idOf[i]!)).toBe(p);
        expect(table.idOf(p)).toBe(idOf[i]);
        if (p.startsWith(`${STORE}/`)) {
          const name = p.slice(STORE.length + 1);
          expect(table.idOfName(name)).toBe(idOf[i]);
          // A name as bytes within a larger buffer (a packed store listing).
          const names = Buffer.from(`ab${name}c`, 'latin1');
          expect(table.idOfNameBytes(names, 2, 2 + name.length)).toBe(idOf[i]);
          expect(table.idOfNameBytes(names, 2, 1 + name.length)).not.toBe(idOf[i]);
        }
        // As bytes within a larger buffer (a text column read from SQLite).
        const bytes = Buffer.from(`xy${p}z`, 'latin1');
        expect(table.idOfBytes(bytes, 2, 2 + p.length)).toBe(idOf[i]);
      });
      for (const p of [...paths.slice(0, 5), ...probes.slice(0, 5)]) {
        for (const cut of [0, 11, 20, p.length]) {
          const prefix = p.slice(0, cut);
          const [from, to] = table.rangeWithPrefix(prefix);
          expect(sorted.slice(from, to)).toEqual(sorted.filter((q) => q.startsWith(prefix)));
        }
      }
      const known = new Set(paths);
      for (const p of probes) {
        if (known.has(p)) continue;
        expect(table.idOf(p)).toBe(-1);
        expect(table.idOfBytes(Buffer.from(p, 'latin1'), 0, p.length)).toBe(-1);
        if (p.startsWith(`${STORE}/`)) {
          expect(table.idOfName(p.slice(STORE.length + 1))).toBe(-1);
          expect(table.idOfNameBytes(Buffer.from(p, 'latin1'), STORE.length + 1, p.length)).toBe(-1);
        }
      }
    }), { numRuns: 300 });
  });

  it('finds many names at once as it finds each (sorted and walked beside the table, or one by one)', () => {
    const under = path.filter((p) => p.startsWith(`${STORE}/`) && !p.slice(STORE.length + 1).includes('/'));
    fc.assert(fc.property(fc.uniqueArray(under, { maxLength: 200 }), fc.uniqueArray(under, { maxLength: 400 }), (paths, asked) => {
      const { table } = PathTable.build(`${STORE}/`, paths);
      // Names in any order, some valid, some not; many (walked) or few (looked up) for the table's size.
      const many = [...new Set([...asked, ...paths.slice(0, 50)])].map((p) => p.slice(STORE.length + 1));
      for (const names of [many, many.slice(0, 3)]) {
        expect(Array.from(table.idsOfNames(packLatin1(names)))).toEqual(names.map((n) => table.idOfName(n)));
      }
    }), { numRuns: 300 });
  });

  it.each(['native', 'node'] as const)('walks names in byte order beside the table: high bytes, prefixes of each other, repeats (%s)', (by) => {
    // Names from a few bytes, 0x80 and 0xff among them, so that the order is of unsigned bytes
    // and one name is often the start of another.
    const name = fc.array(fc.constantFrom('a', 'b', '-', '\x80', '\xff'), { minLength: 1, maxLength: 5 }).map((cs) => cs.join(''));
    fc.assert(fc.property(fc.uniqueArray(name, { maxLength: 60 }), fc.array(name, { maxLength: 80 }), (own, asked) => {
      const { table } = PathTable.build(`${STORE}/`, own.map((n) => `${STORE}/${n}`));
      const names = [...asked].sort(byBytes);
      expect(Array.from(table.idsOfSortedNames(packLatin1(names), by)!)).toEqual(names.map((n) => table.idOfName(n)));
      // The same names in any order, walked through their order by bytes.
      const shuffled = [...asked].reverse();
      const order = Int32Array.from(shuffled.keys()).sort((x, y) => byBytes(shuffled[x]!, shuffled[y]!));
      expect(Array.from(table.idsOfSortedNames(packLatin1(shuffled), by, order)!)).toEqual(Array.from(order, (i) => table.idOfName(shuffled[i]!)));
    }), { numRuns: 300 });
  });

  it('refuses an order naming none of the names (native)', () => {
    const { table } = PathTable.build(`${STORE}/`, [`${STORE}/a`]);
    expect(() => table.idsOfSortedNames(packLatin1(['a', 'b']), 'native', Int32Array.of(0, 2))).toThrow(RangeError);
  });

  it('finds a name asked for more than once each time (file roots of one path in two directories)', () => {
    // Regression: walked beside the table, the second of two equal names was compared with the
    // path after its match and came back -1.
    const under = path.filter((p) => p.startsWith(`${STORE}/`) && !p.slice(STORE.length + 1).includes('/'));
    fc.assert(fc.property(fc.uniqueArray(under, { minLength: 1, maxLength: 100 }), fc.array(fc.nat(), { minLength: 1, maxLength: 300 }), (paths, picks) => {
      const { table } = PathTable.build(`${STORE}/`, paths);
      const names = picks.map((k) => paths[k % paths.length]!.slice(STORE.length + 1));
      expect(Array.from(table.idsOfNames(packLatin1(names)))).toEqual(names.map((n) => table.idOfName(n)));
    }), { numRuns: 300 });
  });

  it.each(['native', 'node'] as const)('sorts store paths like a byte-order string sort, ties in the key included (%s)', (by) => {
    fc.assert(fc.property(fc.uniqueArray(path, { maxLength: 500 }), (paths) => {
      const order = Array.from(sortedOrder(paths, STORE.length + 1, by), (i) => paths[i]!);
      expect(order).toEqual([...paths].sort(byBytes));
    }), { numRuns: 300 });
  });

  it('merges added paths in and drops deleted ones as a build of the resulting paths would, and finds each', () => {
    // Paths whose hashed chars are all equal share a home slot: deleting one must move its probe run back.
    const colliding = fc.tuple(fc.constantFrom('0', '1', '2'), name).map(([c, n]) => `${STORE}/${'a'.repeat(24)}${c}-${n}`);
    const any = fc.oneof({ weight: 3, arbitrary: path }, { weight: 2, arbitrary: colliding });
    fc.assert(fc.property(fc.uniqueArray(any, { maxLength: 200 }), fc.array(fc.boolean(), { maxLength: 200 }), fc.uniqueArray(any, { maxLength: 40 }), (before, gone, fresh) => {
      const { table: old } = PathTable.build(`${STORE}/`, before);
      const sortedBefore = [...before].sort(byBytes);
      const deleted = sortedBefore.flatMap((p, id) => (gone[id] === true ? [id] : []));
      const kept = sortedBefore.filter((_, id) => gone[id] !== true);
      const added = fresh.filter((p) => !kept.includes(p)).sort(byBytes);
      const merged = old.merged(Int32Array.from(deleted), added)!;
      const after = [...kept, ...added].sort(byBytes);
      expect(merged.table.size).toBe(after.length);
      for (let id = 0; id < after.length; id++) {
        expect(merged.table.pathOf(id)).toBe(after[id]);
        expect(merged.table.idOf(after[id]!)).toBe(id);
        if (after[id]!.startsWith(`${STORE}/`)) expect(merged.table.idOfName(after[id]!.slice(STORE.length + 1))).toBe(id);
      }
      sortedBefore.forEach((p, id) => expect(merged.newOf[id]).toBe(gone[id] === true ? -1 : after.indexOf(p)));
      added.forEach((p, k) => expect(merged.addedIds[k]).toBe(after.indexOf(p)));
      for (const id of deleted) if (!added.includes(sortedBefore[id]!)) expect(merged.table.idOf(sortedBefore[id]!)).toBe(-1);
      // A path already kept, or added paths out of order, are refused.
      if (kept.length > 0) expect(old.merged(Int32Array.from(deleted), [kept[0]!])).toBeUndefined();
      if (added.length > 1) expect(old.merged(Int32Array.from(deleted), [...added].reverse())).toBeUndefined();
    }), { numRuns: 300 });
  });

  it('keeps the store directory once when every path is under it, and whole paths otherwise', () => {
    fc.assert(fc.property(fc.uniqueArray(path, { maxLength: 100 }), (paths) => {
      const under = paths.every((p) => p.startsWith(`${STORE}/`));
      const { table } = PathTable.build(`${STORE}/`, paths);
      const { head, bytes, offsets } = table.raw;
      expect(head === undefined ? undefined : Buffer.from(head).toString('latin1')).toBe(under ? `${STORE}/` : undefined);
      const skip = under ? STORE.length + 1 : 0;
      expect(bytes.length).toBe(paths.reduce((n, p) => n + p.length - skip, 0));
      for (let id = 0; id < table.size; id++) expect((under ? `${STORE}/` : '') + bytes.toString('latin1', offsets[id]!, offsets[id + 1]!)).toBe(table.pathOf(id));
      // What the graph cache stores gives the same table back.
      const { prefix, omitted, bytes: b, offsets: o, slots } = table.parts();
      const again = PathTable.fromParts(prefix, omitted, b, o, slots);
      for (const p of paths) expect(again.idOf(p)).toBe(table.idOf(p));
    }), { numRuns: 200 });
  });

  it('is empty without paths', () => {
    const { table } = PathTable.build(`${STORE}/`, []);
    expect(table.size).toBe(0);
    expect(table.idOf(`${STORE}/x`)).toBe(-1);
  });
});
