/** Durations, sizes and percentage targets of the scheduling flags: strict syntax, usage errors naming the flag. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StoregcError } from '../../src/errors.js';
import { MAX_SIZE, formatDuration, parseDuration, parseSizeBytes, parseSizeTarget, resolveSizeTarget } from '../../src/policy/units.js';

function usageError(f: () => unknown, flag: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(StoregcError);
    const err = e as StoregcError;
    expect(err.code).toBe('usage');
    expect(err.exitCode).toBe(2);
    expect(err.line()).toContain(flag);
    expect(err.line()).not.toContain('\n');
    return;
  }
  throw new Error('expected a usage error');
}

describe('parseDuration', () => {
  it('reads d, h, m and s', () => {
    expect(parseDuration('--keep-recent', '30d')).toBe(30 * 86_400);
    expect(parseDuration('--keep-recent', '12h')).toBe(12 * 3600);
    expect(parseDuration('--keep-recent', '90m')).toBe(5400);
    expect(parseDuration('--keep-recent', '45s')).toBe(45);
    expect(parseDuration('--keep-recent', '0s')).toBe(0);
  });

  it.each(['', '30', 'd', '-1d', '+1d', ' 1d', '1d ', '1.5d', '1D', '1w', '1dd', '1 d', '99999999999999999999d'])('refuses %j naming the flag', (v) => {
    usageError(() => parseDuration('--delete-older-than', v), '--delete-older-than');
  });

  it('round-trips through formatDuration', () => {
    fc.assert(fc.property(fc.nat({ max: 10 ** 12 }), (s) => parseDuration('--x', formatDuration(s)) === s));
    fc.assert(fc.property(fc.nat({ max: 10 ** 9 }), fc.constantFrom('d', 'h', 'm', 's'), (n, u) => formatDuration(parseDuration('--x', `${n}${u}`)) === formatDuration(n * { d: 86_400, h: 3600, m: 60, s: 1 }[u])));
  });
});

describe('parseSizeBytes', () => {
  it('reads bytes and K/M/G/T in powers of 1024, any case, and clamps', () => {
    expect(parseSizeBytes('--max-freed', '0')).toBe(0n);
    expect(parseSizeBytes('--max-freed', '123')).toBe(123n);
    expect(parseSizeBytes('--max-freed', '2k')).toBe(2048n);
    expect(parseSizeBytes('--max-freed', '3M')).toBe(3n << 20n);
    expect(parseSizeBytes('--max-freed', '4g')).toBe(4n << 30n);
    expect(parseSizeBytes('--max-freed', '5T')).toBe(5n << 40n);
    expect(parseSizeBytes('--max-freed', '99999999999T')).toBe(MAX_SIZE);
  });

  it.each(['', '-1', '+1', ' 1', '1 ', '1.5G', '1KB', '1P', 'G', '1 G', '0x10'])('refuses %j naming the flag', (v) => {
    usageError(() => parseSizeBytes('--ensure-free', v), '--ensure-free');
  });

  it('round-trips every unit', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 24n - 1n }), fc.constantFrom(['', 0n], ['K', 10n], ['M', 20n], ['G', 30n], ['T', 40n]), (n, [u, s]) => parseSizeBytes('--x', `${n}${u}`) === n << (s as bigint)));
  });
});

describe('parseSizeTarget', () => {
  it('reads a size or a whole percentage and resolves it against the file system size', () => {
    expect(parseSizeTarget('--min-free', '10G')).toEqual({ kind: 'bytes', bytes: 10n << 30n });
    expect(parseSizeTarget('--min-free', '30%')).toEqual({ kind: 'percent', percent: 30 });
    expect(resolveSizeTarget({ kind: 'percent', percent: 30 }, 1000n)).toBe(300n);
    expect(resolveSizeTarget({ kind: 'percent', percent: 33 }, 1001n)).toBe(330n);
    expect(resolveSizeTarget({ kind: 'bytes', bytes: 7n }, 1000n)).toBe(7n);
  });

  it.each(['101%', '%', '-5%', '5 %', '5.5%', '5%%', '%5'])('refuses %j naming the flag', (v) => {
    usageError(() => parseSizeTarget('--ensure-free', v), '--ensure-free');
  });

  it('never resolves a percentage above the file system size', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), fc.bigInt({ min: 0n, max: 2n ** 60n }), (p, size) => {
      const t = parseSizeTarget('--x', `${p}%`);
      const b = resolveSizeTarget(t, size);
      return b >= 0n && b <= size;
    }));
  });
});
