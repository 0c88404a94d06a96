/**
 * The native loop that renumbers a patched graph's edges (native/renumber.c): a row renumbered,
 * edges to deleted paths dropped, extras appended and sorted where asked; arrays that do not fit
 * together are refused with a TypeError, never read out of bounds.
 */
import { describe, expect, it } from 'vitest';
import { native } from '../../src/store/native.js';

const helper = native()!;

describe('renumberCsr', () => {
  it('renumbers rows in new-id order, drops edges to deleted paths, appends extras', () => {
    // Old graph: 0 -> 1, 2; 1 -> 2; 2 -> none. Path 1 deleted; a new path takes id 0.
    const start = Uint32Array.of(0, 2, 3, 3);
    const list = Int32Array.of(1, 2, 2);
    const newOf = Int32Array.of(1, -1, 2);
    const oldOf = Int32Array.of(-1, 0, 2);
    // Extras: new id 1 gets 0 (then sorted: 0, 2); new id 0 gets 2.
    const extraStart = Uint32Array.of(0, 1, 2, 2);
    const extraList = Int32Array.of(2, 0);
    const outStart = new Uint32Array(4);
    const outList = new Int32Array(5);
    expect(helper.renumberCsr!(start, list, newOf, oldOf, extraStart, extraList, true, outStart, outList)).toBe(3);
    expect([...outStart]).toEqual([0, 1, 3, 3]);
    expect([...outList.subarray(0, 3)]).toEqual([2, 0, 2]);
    expect(helper.renumberCsr!(start, list, newOf, oldOf, extraStart, extraList, false, outStart, outList)).toBe(3);
    expect([...outList.subarray(0, 3)]).toEqual([2, 2, 0]);
  });

  it('refuses arrays that do not fit together', () => {
    const ok = (): Parameters<NonNullable<typeof helper.renumberCsr>> => [Uint32Array.of(0, 1, 1), Int32Array.of(1), Int32Array.of(0, 1), Int32Array.of(0, 1), Uint32Array.of(0, 0, 0), new Int32Array(0), false, new Uint32Array(3), new Int32Array(1)];
    expect(helper.renumberCsr!(...ok())).toBe(1);
    const bad: [number, unknown][] = [
      [1, Int32Array.of(7)], // an edge to no path
      [3, Int32Array.of(5, 1)], // an old id out of range
      [0, Uint32Array.of(0, 9, 9)], // rows past the list
      [8, new Int32Array(0)], // no room for the edges
      [4, Uint32Array.of(0, 0)], // extras of another size
    ];
    for (const [k, value] of bad) {
      const args = ok();
      (args as unknown[])[k] = value;
      expect(() => helper.renumberCsr!(...args)).toThrow(TypeError);
    }
  });
});
