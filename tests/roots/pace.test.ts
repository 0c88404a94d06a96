/** Pace: blocking batches while they stay fast, parallel calls from the first slow batch on. */
import { describe, expect, it } from 'vitest';
import { Pace } from '../../src/roots/pace.js';

const busy = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* a slow blocking call */ }
};

describe('Pace', () => {
  it('takes every item once, blocking while batches are fast', async () => {
    const how: string[] = [];
    await new Pace().each([1, 2, 3, 4, 5], 2, 1000, (x) => how.push(`now ${x}`), async (x) => { how.push(`later ${x}`); });
    expect(how).toEqual(['now 1', 'now 2', 'now 3', 'now 4', 'now 5']);
  });

  it('switches to parallel calls for the rest of the scan after two slow batches in a row', async () => {
    const pace = new Pace();
    const how: string[] = [];
    await pace.each([1, 2, 3, 4, 5, 6, 7], 2, 5, (x) => { how.push(`now ${x}`); if (x === 2 || x === 4) busy(20); }, async (x) => { how.push(`later ${x}`); });
    expect(how).toEqual(['now 1', 'now 2', 'now 3', 'now 4', 'later 5', 'later 6', 'later 7']);
    expect(pace.blockingNow).toBe(false);
    await pace.each([8], 2, 5, (x) => how.push(`now ${x}`), async (x) => { how.push(`later ${x}`); });
    expect(how.at(-1)).toBe('later 8');
  });

  it('keeps blocking after a slow batch alone (a busy machine, not a disk)', async () => {
    const pace = new Pace();
    const how: string[] = [];
    // Slow, fast, slow, fast: never two in a row.
    await pace.each([1, 2, 3, 4, 5, 6, 7, 8], 2, 5, (x) => { how.push(`now ${x}`); if (x === 1 || x === 5) busy(20); }, async (x) => { how.push(`later ${x}`); });
    expect(how).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((x) => `now ${x}`));
    expect(pace.blockingNow).toBe(true);
  });

  it('never blocks when told so', async () => {
    const how: string[] = [];
    await new Pace(false).each([1, 2], 2, 1000, (x) => how.push(`now ${x}`), async (x) => { how.push(`later ${x}`); });
    expect(how).toEqual(['later 1', 'later 2']);
  });

  it('gives each call the position of its item, whichever call finishes first', async () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const placed: string[] = [];
    const finished: string[] = [];
    // Later calls finish first: a scan keeps the listing's order only by these positions.
    await new Pace(false).each(items, 3, 1000, () => undefined, async (x, k) => {
      await new Promise((resolve) => setTimeout(resolve, 5 * (items.length - k)));
      finished.push(x);
      placed[k] = x;
    });
    expect(finished).not.toEqual(items);
    expect(placed).toEqual(items);
    const now: number[] = [];
    await new Pace().each(items, 2, 1000, (_, k) => now.push(k), async () => undefined);
    expect(now).toEqual([0, 1, 2, 3, 4]);
  });
});
