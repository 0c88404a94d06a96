import { describe, expect, it } from 'vitest';
import { ByteRuns } from '../../src/report/byteRuns.js';
import { createRng } from '../support/prng.js';

describe('ByteRuns', () => {
  it('copies any run of any of several sources, into views at any offset, as set(subarray) does', () => {
    const rng = createRng(51);
    const source = (): Uint8Array => {
      const memory = rng.chance(0.5) ? new SharedArrayBuffer(300) : new ArrayBuffer(300);
      const bytes = new Uint8Array(memory, rng.int(0, 7), rng.int(100, 290));
      for (let k = 0; k < bytes.length; k++) bytes[k] = rng.int(0, 255);
      return bytes;
    };
    const sources = Array.from({ length: 4 }, source);
    const targets = [Buffer.alloc(4000), new Uint8Array(new ArrayBuffer(4100), 3, 4000)];
    const runs = new ByteRuns();
    for (let round = 0; round < 5000; round++) {
      const bytes = rng.pick(sources);
      const target = rng.pick(targets);
      const from = rng.int(0, bytes.length);
      const to = rng.int(from, Math.min(bytes.length, from + 60));
      const at = rng.int(0, target.length - 60);
      const expected = Uint8Array.from(target);
      expected.set(bytes.subarray(from, to), at);
      expect(runs.copy(target, at, bytes, from, to)).toBe(at + to - from);
      expect(Buffer.from(target.buffer, target.byteOffset, target.length).equals(Buffer.from(expected))).toBe(true);
    }
  });
});
