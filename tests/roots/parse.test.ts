import { describe, expect, it } from 'vitest';
import { pathsInMaps, storePathsInEnviron } from '../../src/roots/procParse.js';
import { isNixTempRootsName, parseTempRootsFile, pidOfTempRootsName, tempRootsLabel } from '../../src/roots/tempRootsParse.js';

const S = '/s/store';
const A = `${S}/00000000000000000000000000000001-a`;

describe('temproots (reference §5.1, §5.4)', () => {
  it('reads the pid like std::stoi', () => {
    expect(pidOfTempRootsName('123')).toBe(123);
    expect(pidOfTempRootsName('0777')).toBe(777);
    expect(pidOfTempRootsName('12x')).toBe(12);
    expect(pidOfTempRootsName('abc')).toBeUndefined();
    expect(pidOfTempRootsName('99999999999')).toBeUndefined();
  });
  it('labels by the pid of either Nix name form, else by the name itself', () => {
    expect(['123', '0777', '12x', 'temproots-4242-7', '4242-7', 'abc', '.hidden', 'temproots-x-1'].map(tempRootsLabel))
      .toEqual(['123', '777', '12', '4242', '4242', 'abc', '.hidden', 'temproots-x-1']);
  });
  it('knows the names Nix gives (only those are removed when stale)', () => {
    expect(['123', '4242-7', 'temproots-4242-7'].every(isNixTempRootsName)).toBe(true);
    expect(['12x', 'abc', '.123', 'temproots-4242', 'temproots--1-2', ' 1'].some(isNixTempRootsName)).toBe(false);
  });
  it('ignores a torn last entry and reports bad ones', () => {
    expect(parseTempRootsFile(`${A}\0${S}/0000`, S)).toEqual({ paths: [A], bad: [] });
    expect(parseTempRootsFile(`${A}\0garbage\0`, S)).toEqual({ paths: [A], bad: ['garbage'] });
  });
});

describe('/proc parsing (reference §4.1)', () => {
  it('takes the path column of maps lines, not deleted or spaced ones', () => {
    const maps = [
      `7f00-7f01 r-xp 00000000 08:01 123  ${A}/lib/libc.so`,
      '7f00-7f01 r-xp 00000000 08:01 123  /tmp/x (deleted)',
      '7f00-7f01 rw-p 00000000 00:00 0 ',
      '7f00-7f01 r--p 00000000 08:01 9 /has space/x',
    ].join('\n');
    expect(pathsInMaps(maps)).toEqual([`${A}/lib/libc.so`]);
  });
  it('finds store paths anywhere in environ, quoting the store dir', () => {
    const env = `PATH=${A}/bin:/usr/bin\0X=/sXstore/00000000000000000000000000000002-b\0`;
    expect(storePathsInEnviron(env, S)).toEqual([`${A}`]);
    expect(storePathsInEnviron('a=/s.store/abc-x', '/s.store')).toEqual(['/s.store/abc-x']);
  });
});
