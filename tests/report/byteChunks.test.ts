import { describe, expect, it } from 'vitest';
import { ByteChunks, numberLength, tenthsLength } from '../../src/report/byteChunks.js';
import { createRng } from '../support/prng.js';

/** Around 2^31 and multiples of 10^9, where the digits are made in two parts, up to 2^53 (tenths: below 2^53 / 10). */
const LARGE = [2 ** 31 - 1, 2 ** 31, 1e9 - 1, 1e9, 1e10 - 1, 1e10, 1e10 + 1, 999_999_999_999, 2 ** 49, 2 ** 53 - 2, 2 ** 53 - 1];

describe('ByteChunks', () => {
  it('writes numbers as String/toFixed and padStart would, and spaces, across chunk boundaries', () => {
    const rng = createRng(12);
    const MIB = 1024 * 1024;
    const out = new ByteChunks();
    let expected = '';
    for (let i = 0; i < 200_000; i++) {
      const value = rng.pick([0, 5, 9, 10, 99, 1000, rng.int(0, 2 ** 31), rng.int(0, 2 ** 47), Math.round((rng.int(0, 1e7) + 0.5) * MIB / 10), ...LARGE, rng.int(1, 9e6) * 1e9 + rng.pick([-1, 0, 1])]);
      const width = rng.int(0, 12);
      if (rng.chance(0.5) || value > 2 ** 49) {
        out.number(value, width);
        expected += String(value).padStart(width);
      } else {
        out.tenths(value, MIB, width);
        expected += (value / MIB).toFixed(1).padStart(width);
      }
      if (rng.chance(0.1)) {
        out.write('\xe9 -> x\n');
        expected += '\xe9 -> x\n';
      }
      if (rng.chance(0.2)) {
        const n = rng.int(0, 3);
        out.spaces(n);
        expected += ' '.repeat(n);
      }
    }
    expect(out.bytes().toString('latin1')).toBe(expected);
  });
});

describe('numberLength and tenthsLength', () => {
  it('are the lengths number() and tenths() write', () => {
    const rng = createRng(13);
    const MIB = 1024 * 1024;
    for (let i = 0; i < 20_000; i++) {
      const value = rng.pick([0, 5, 9, 10, 99, 1000, 2 ** 31 - 1, 2 ** 31, rng.int(0, 2 ** 31), rng.int(0, 2 ** 47), Math.round((rng.int(0, 1e7) + 0.5) * MIB / 10)]);
      const width = rng.int(0, 12);
      const out = new ByteChunks();
      out.number(value, width);
      const afterNumber = out.bytes().length;
      out.tenths(value, MIB, width);
      expect([afterNumber, out.bytes().length - afterNumber]).toEqual([numberLength(value, width), tenthsLength(value, MIB, width)]);
    }
  });
});
