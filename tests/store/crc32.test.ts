/** src/store/crc32.ts: the native CRC-32 (folded by PCLMULQDQ) gives node:zlib's values. */
import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/store/crc32.js';
import { native } from '../../src/store/native.js';

describe('crc32', () => {
  it('the native helper has it', () => {
    expect(native()?.crc32).toBeTypeOf('function');
  });

  it('gives zlib\'s CRC-32 for any bytes, offset and seed, natively and in Node', () => {
    // Lengths around the folds (64-byte blocks, then 16) and their tails, at any alignment.
    const data = fc.tuple(fc.nat({ max: 2000 }), fc.nat({ max: 15 }), fc.nat({ max: 0xffffffff })).map(([length, offset, seed]) => ({ bytes: randomBytes(length + offset).subarray(offset), seed }));
    fc.assert(fc.property(data, ({ bytes, seed }) => {
      const want = bytes.length === 0 ? seed : zlibCrc32(bytes, seed);
      expect(crc32(bytes, seed)).toBe(want);
      expect(crc32(bytes, seed, 'node')).toBe(want);
    }), { numRuns: 3000 });
  });

  it('continues across pieces as over the whole, for large buffers too', () => {
    const whole = randomBytes(5 << 20);
    expect(crc32(whole)).toBe(zlibCrc32(whole));
    let crc = 0;
    for (let at = 0; at < whole.length; at += 1_000_003) crc = crc32(whole.subarray(at, at + 1_000_003), crc);
    expect(crc).toBe(zlibCrc32(whole));
  });
});
