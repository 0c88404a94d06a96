/**
 * The root links' times (linkTimes.ts): through the native helper (native/linkTimes.c) and in
 * Node alike, each link's own lstat mtime to the sub-millisecond, NaN for what is gone, another
 * file's time where one is given instead, and an error that names its code otherwise.
 */
import { lutimesSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { linkTimes } from '../../src/insight/linkTimes.js';
import type { TimesBy } from '../../src/insight/linkTimes.js';
import { packLatin1 } from '../../src/store/byteOrder.js';
import { native } from '../../src/store/native.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Seconds with a fraction that float64 milliseconds keep exactly enough to compare. */
const T1 = 1_700_000_000.123456;
const T2 = 1_600_000_000.5;
const T3 = 1_650_000_000.25;

function tree(): { dir: string; links: string[] } {
  const dir = mkdtempSync('/tmp/storegc-times-');
  dirs.push(dir);
  writeFileSync(join(dir, 'file'), 'x');
  utimesSync(join(dir, 'file'), T1, T1);
  symlinkSync('/nix/store/none-such', join(dir, 'link'));
  lutimesSync(join(dir, 'link'), T2, T2);
  writeFileSync(join(dir, 'other'), 'y');
  utimesSync(join(dir, 'other'), T3, T3);
  mkdirSync(join(dir, 'sub'));
  // The file itself, a dangling symlink itself, nothing, a path through a file, and two links
  // whose time is another file's or none's.
  return { dir, links: [join(dir, 'file'), join(dir, 'link'), join(dir, 'gone'), join(dir, 'file', 'below'), join(dir, 'auto'), join(dir, 'runtime')] };
}

const BY: TimesBy[] = ['native', 'node'];

describe('linkTimes', () => {
  it('has the native helper here (npm ci builds it)', () => {
    expect(native()).not.toBeNull();
  });

  for (const by of BY) {
    it(`gives each link's own mtime, NaN where gone, another file's where told (${by})`, () => {
      const { dir, links } = tree();
      const packed = packLatin1(links);
      const instead = new Map<number, string | null>([[4, join(dir, 'other')], [5, null]]);
      const times = linkTimes(packed, 0, links.length, instead, by);
      expect(times[0]).toBeCloseTo(T1 * 1000, 2);
      expect(times[1]).toBeCloseTo(T2 * 1000, 2);
      expect(Number.isNaN(times[2]!)).toBe(true);
      expect(Number.isNaN(times[3]!)).toBe(true);
      expect(times[4]).toBeCloseTo(T3 * 1000, 2);
      expect(Number.isNaN(times[5]!)).toBe(true);
      // A part of the links, on shared memory as the disk thread gets them.
      const shared = packLatin1(links, true);
      expect(Array.from(linkTimes(shared, 1, 3, instead, by))).toEqual(Array.from(times.subarray(1, 3)));
    });

    it(`throws what lstat says when it is not that the file is gone (${by})`, () => {
      const { dir } = tree();
      symlinkSync('loop', join(dir, 'loop'));
      const packed = packLatin1([join(dir, 'file'), join(dir, 'loop', 'x')]);
      expect(() => linkTimes(packed, 0, 2, new Map(), by)).toThrow(expect.objectContaining({ code: 'ELOOP' }));
      expect(() => linkTimes(packLatin1([join(dir, 'x'.repeat(5000))]), 0, 1, new Map(), by)).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }));
    });
  }

  it('gives the same times both ways, to the bit', () => {
    const { links } = tree();
    const packed = packLatin1(links);
    expect(Array.from(linkTimes(packed, 0, links.length, new Map(), 'native'))).toEqual(Array.from(linkTimes(packed, 0, links.length, new Map(), 'node')));
  });

  it('gives the same times both ways for links of many directories, in and out of order', () => {
    // The native loop opens each directory once and stats its links by name: a directory met
    // again after another, one reached through a symlink, one that is gone, one that is a
    // file, a name right under /, and a link that names a directory with a trailing slash.
    const { dir } = tree();
    for (const [sub, time] of [['a', T1], ['b', T2]] as const) {
      mkdirSync(join(dir, sub));
      for (const name of ['x', 'y']) {
        writeFileSync(join(dir, sub, name), name);
        utimesSync(join(dir, sub, name), time, time);
      }
    }
    symlinkSync('a', join(dir, 'via'));
    const links = [
      join(dir, 'a', 'x'), join(dir, 'a', 'y'), join(dir, 'b', 'x'), join(dir, 'a', 'y'), join(dir, 'via', 'x'), join(dir, 'via'),
      join(dir, 'gone', 'x'), join(dir, 'gone', 'y'), join(dir, 'file', 'x'), join(dir, 'b', 'y'), '/tmp', `${join(dir, 'sub')}/`, join(dir, 'b', 'none'),
    ];
    const packed = packLatin1(links);
    const native = Array.from(linkTimes(packed, 0, links.length, new Map(), 'native'));
    expect(native).toEqual(Array.from(linkTimes(packed, 0, links.length, new Map(), 'node')));
    expect(native.slice(0, 5).map((t) => Math.round(t / 1000))).toEqual([T1, T1, T2, T1, T1].map(Math.round));
    expect(native.slice(6, 9).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(native[12]!)).toBe(true);
  });
});
