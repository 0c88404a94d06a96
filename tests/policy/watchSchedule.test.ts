/** When `storegc watch` checks next: the base interval, doubling after a run that freed too little, capped at an hour. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_SECONDS, aimedBytes, freedTooLittle, nextCheckSeconds } from '../../src/policy/watchSchedule.js';

const ran = (aimed: bigint, freed: bigint) => ({ kind: 'ran', aimedBytes: aimed, freedBytes: freed }) as const;

describe('watch schedule', () => {
  it('aims for the bytes between free space and the goal, never a negative amount', () => {
    expect(aimedBytes(100n, 30n)).toBe(70n);
    expect(aimedBytes(100n, 100n)).toBe(0n);
    expect(aimedBytes(100n, 130n)).toBe(0n);
  });

  it('a tenth of the aim is enough; less is too little', () => {
    expect(freedTooLittle(1000n, 100n)).toBe(false);
    expect(freedTooLittle(1000n, 99n)).toBe(true);
    expect(freedTooLittle(1000n, 0n)).toBe(true);
    expect(freedTooLittle(5n, 1n)).toBe(false);
    // Aiming for nothing and freeing nothing: the same run would repeat, so it backs off too.
    expect(freedTooLittle(0n, 0n)).toBe(true);
    expect(freedTooLittle(0n, 1n)).toBe(false);
  });

  it('stays at the base while idle or while runs free enough', () => {
    expect(nextCheckSeconds(60, 60, { kind: 'idle' })).toBe(60);
    expect(nextCheckSeconds(60, 960, { kind: 'idle' })).toBe(60);
    expect(nextCheckSeconds(60, 960, ran(1000n, 100n))).toBe(60);
  });

  it('doubles after a run that freed too little or failed, up to an hour', () => {
    const seen: number[] = [];
    let interval = 60;
    for (let i = 0; i < 8; i++) {
      interval = nextCheckSeconds(60, interval, i % 2 === 0 ? ran(1000n, 0n) : { kind: 'failed' });
      seen.push(interval);
    }
    expect(seen).toEqual([120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    expect(nextCheckSeconds(1, 1, ran(1n << 40n, 0n))).toBe(2);
    expect(nextCheckSeconds(1, 2, ran(1n << 40n, 0n))).toBe(4);
  });

  it('never goes below the base, nor above the larger of the base and the cap', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 3 * 86_400 }),
      fc.integer({ min: 1, max: 3 * 86_400 }),
      fc.bigInt({ min: 0n, max: 1n << 50n }),
      fc.bigInt({ min: 0n, max: 1n << 50n }),
      (base, previous, aimed, freed) => {
        const next = nextCheckSeconds(base, previous, ran(aimed, freed));
        return next >= base && next <= Math.max(base, BACKOFF_CAP_SECONDS) && (next === base || freedTooLittle(aimed, freed));
      },
    ));
  });
});
