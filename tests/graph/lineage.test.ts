import { describe, expect, it } from 'vitest';
import { lineageOf, translateIds } from '../../src/graph/lineage.js';

const lineage = (previousCount: number, deleted: number[], added: number[]) => ({ previousKey: 'k', previousCount, deleted: Int32Array.from(deleted), added: Int32Array.from(added) });

describe('graph lineage', () => {
  it('maps each earlier id past the deleted ids below it and the added ids below its new place', () => {
    // Before: a b c d e (0..4); c deleted; x (between a and b) and z (after e) added: a x b d e z.
    expect([...translateIds(lineage(5, [2], [1, 5]), 6)!]).toEqual([0, 2, -1, 3, 4]);
    // A path deleted and registered again is in both lists: its old id maps to none.
    expect([...translateIds(lineage(3, [1], [1]), 3)!]).toEqual([0, -1, 2]);
    expect([...translateIds(lineage(0, [], [0, 1]), 2)!]).toEqual([]);
  });

  it('refuses a lineage that does not fit the graph', () => {
    expect(translateIds(lineage(5, [2], [1]), 6)).toBeUndefined();
    expect(translateIds(lineage(3, [5], [0]), 3)).toBeUndefined();
    expect(translateIds(lineage(3, [], [3]), 4)).toBeDefined();
    expect(translateIds(lineage(3, [], [4]), 4)).toBeUndefined();
  });

  it('is found from ValidPaths ids: deleted ones, and those above the earlier sequence', () => {
    const l = lineageOf('k', Float64Array.of(7, 3, 9), new Set([3]), Float64Array.of(7, 12, 9), 10);
    expect([...l.deleted]).toEqual([1]);
    expect([...l.added]).toEqual([1]);
    expect([...translateIds(l, 3)!]).toEqual([0, -1, 2]);
  });
});
