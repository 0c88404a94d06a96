/**
 * ValidPaths ids to graph ids (dbIdIndex.ts): any safe integer, dense or far apart, negative
 * too, found as set, in a table by id or in the hash table; an id twice, or one JavaScript does
 * not read exactly, refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DbIdIndex } from '../../src/graph/dbIdIndex.js';

const id = fc.oneof(fc.integer({ min: -5, max: 3000 }), fc.maxSafeInteger(), fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 32, 2 ** 32 + 1, -(2 ** 32)));

describe('DbIdIndex', () => {
  it.each([['as it chooses', undefined], ['in the hash table', -1]] as const)('finds each id set, and no other (%s)', (_, room) => {
    fc.assert(fc.property(fc.uniqueArray(id, { maxLength: 300 }), fc.array(id, { maxLength: 50 }), (ids, probes) => {
      const { min, max } = DbIdIndex.rangeOf(ids);
      const index = new DbIdIndex(ids.length, min, max, room);
      ids.forEach((k, i) => index.set(k, i * 3));
      ids.forEach((k, i) => expect(index.get(k)).toBe(i * 3));
      const set = new Set(ids);
      for (const p of probes) if (!set.has(p)) expect(index.get(p)).toBe(-1);
      expect(index.get(0.5)).toBe(-1);
      expect(index.get(Number.NaN)).toBe(-1);
    }), { numRuns: 300 });
  });

  it('keeps dense ids in a table by id and far-apart ones in a hash table, both exact', () => {
    const dense = DbIdIndex.of([3, 1, 2]);
    expect([dense.get(1), dense.get(2), dense.get(3), dense.get(4), dense.get(-1)]).toEqual([1, 2, 0, -1, -1]);
    // A table sized by the largest id would be 4 TB here.
    const far = DbIdIndex.of([2 ** 40, -7, 5]);
    expect([far.get(2 ** 40), far.get(-7), far.get(5), far.get(2 ** 40 + 1)]).toEqual([0, 1, 2, -1]);
  });

  it('refuses an id twice, and ids past what JavaScript reads exactly', () => {
    expect(() => DbIdIndex.of([1, 2, 1])).toThrow(/id 1 is read twice/);
    expect(() => DbIdIndex.of([2 ** 40, 2 ** 40])).toThrow(/read twice/);
    expect(() => DbIdIndex.rangeOf([1, 2 ** 53])).toThrow(/not an integer storegc can read exactly/);
    expect(() => DbIdIndex.rangeOf([1.5])).toThrow(/not an integer/);
  });
});
