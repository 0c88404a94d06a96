import { describe, expect, it } from 'vitest';
import { agedAutoRoots } from '../../src/policy/autoRootAge.js';
import type { AutoRoot } from '../../src/roots/autoRoots.js';

const DAY = 86_400;
const now = 100 * DAY;
const root = (places: AutoRoot['places']): AutoRoot => ({ link: '/var/gcroots/auto/x', outside: '/home/u/result', places });

describe('agedAutoRoots', () => {
  it('prunes an auto root whose every outside link is a store link older than the duration', () => {
    expect(agedAutoRoots([root([{ place: '/home/u/result', kind: 'store-link', mtime: now - 10 * DAY }])], 5 * DAY, now))
      .toEqual([{ link: '/var/gcroots/auto/x', target: '/home/u/result', places: ['/home/u/result'] }]);
  });

  it('fails closed: a newer link, a file or directory, or an unreadable place keeps it; a stale one is not its business', () => {
    const old = { place: '/r/home/u/result', kind: 'store-link' as const, mtime: now - 10 * DAY };
    for (const other of [
      { place: '/home/u/result', kind: 'store-link' as const, mtime: now - DAY },
      { place: '/home/u/result', kind: 'other' as const, mtime: 0 },
    ]) expect(agedAutoRoots([root([old, other])], 5 * DAY, now)).toEqual([]);
    expect(agedAutoRoots([root([{ place: '/home/u/result', kind: 'missing', mtime: 0 }])], 5 * DAY, now)).toEqual([]);
    // Exactly at the cutoff is not older.
    expect(agedAutoRoots([root([{ place: '/home/u/result', kind: 'store-link', mtime: now - 5 * DAY }])], 5 * DAY, now)).toEqual([]);
  });
});
