import { describe, expect, it } from 'vitest';
import { formatMiB, summaryLine } from '../../src/report/mib.js';
import { parseSize } from '../../src/cli/program.js';

describe('formatMiB (glibc %.2f, reference §10.4)', () => {
  it('rounds the exact binary value half to even', () => {
    expect(formatMiB(131072)).toBe('0.12'); // 0.125 exactly: JS toFixed would say 0.13
    expect(formatMiB(393216)).toBe('0.38'); // 0.375 -> even 0.38
    expect(formatMiB(3 * 1048576 + 1000000)).toBe('3.95');
    expect(formatMiB(0)).toBe('0.00');
    expect(formatMiB(-1)).toBe('-0.00');
    expect(formatMiB(2n ** 64n - 1n)).toBe('17592186044416.00');
  });
  it('writes Nix summary line', () => {
    expect(summaryLine(2, 4000000)).toBe('2 store paths deleted, 3.81 MiB freed\n');
  });
});

describe('parseSize (--max-freed, reference §10.5)', () => {
  it('takes K/M/G/T suffixes in any case', () => {
    expect(parseSize('1500000')).toBe(1500000n);
    expect(parseSize('2k')).toBe(2048n);
    expect(parseSize('3M')).toBe(3n << 20n);
    expect(parseSize('1g')).toBe(1n << 30n);
    expect(parseSize('1T')).toBe(1n << 40n);
  });
  it('refuses what Nix bends: a negative size (Nix: 0) and blanks around it', () => {
    for (const bad of ['-5', '-0', ' 5', '5 ', '+5']) expect(() => parseSize(bad), bad).toThrow(/not a size/);
  });
  it('rejects other units', () => {
    expect(() => parseSize('1X')).toThrow(/invalid unit specifier 'X'/);
    expect(() => parseSize('lots')).toThrow();
  });
});
