/**
 * releaseMemory (src/store/releaseMemory.ts) collects V8's heap in full: the `gc` it takes from a
 * new context after setting --expose-gc is a real one in this Node (were it not, a large run
 * would keep its garbage resident beside the graph again), and the native trim answers.
 */
import { describe, expect, it } from 'vitest';
import { releaseMemory } from '../../src/store/releaseMemory.js';
import { native } from '../../src/store/native.js';

/** Paths of a store large enough for it. */
const LARGE = 1_000_000;

describe('releaseMemory', () => {
  it('collects garbage V8 would otherwise keep until it next needs room', () => {
    releaseMemory(LARGE);
    const before = process.memoryUsage().heapUsed;
    // About 60 MB of small objects, unreachable once the block ends.
    {
      const garbage: { index: number; text: string }[] = [];
      for (let i = 0; i < 600_000; i++) garbage.push({ index: i, text: `garbage-${i}-${'x'.repeat(40)}` });
      expect(process.memoryUsage().heapUsed - before).toBeGreaterThan(40 * 2 ** 20);
    }
    releaseMemory(LARGE);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(10 * 2 ** 20);
  });

  it('leaves the heap alone after reading a small store', () => {
    releaseMemory(LARGE);
    const before = process.memoryUsage().heapUsed;
    let garbage: string[] | undefined = Array.from({ length: 300_000 }, (_, i) => `garbage-${i}-${'x'.repeat(40)}`);
    expect(garbage.length).toBe(300_000);
    garbage = undefined;
    releaseMemory(1_000);
    expect(process.memoryUsage().heapUsed - before).toBeGreaterThan(20 * 2 ** 20);
  });

  it('trims through the native helper where it is built', () => {
    const helper = native();
    if (helper === null) return;
    expect(typeof helper.mallocTrim?.()).toBe('boolean');
  });
});
