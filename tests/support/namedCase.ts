/**
 * Helpers for hand-written conformance cases: `useConformance()` returns a checker that runs a
 * StoreSpec through compareWithNix + expectConformance in a fresh self-cleaning directory and
 * hands back Nix's own output as lines with the scratch root shown as `$R`, so a case can also
 * state what Nix printed (which documents the rule and proves the store exercises it).
 */
import { expect, type ExpectStatic } from 'vitest';
import { compareWithNix, expectConformance, splitLines, type CompareOptions, type Comparison } from './conformance.js';
import type { StoreSpec } from './spec.js';
import { useTempDirs } from './tempDir.js';

export interface NixView {
  readonly roots: string[];
  readonly live: string[];
  readonly dead: string[];
  readonly comparison: Comparison;
}

/** `$R/store/<base>`, as store paths appear in NixView lines. */
export const S = (base: string): string => `$R/store/${base}`;

export interface CheckOptions extends CompareOptions {
  /** The test context's expect (needed in concurrent tests for soft assertions). */
  readonly expect?: ExpectStatic;
}

export function useConformance(): (spec: StoreSpec, opts?: CheckOptions) => Promise<NixView> {
  const tempDir = useTempDirs('all'); // suites may be concurrent
  return async (spec, opts = {}) => {
    const c = await compareWithNix(spec, tempDir('storegc-case-'), opts);
    expectConformance(c, opts.expect);
    const lines = (b: Buffer): string[] => splitLines(b).map((l) => l.toString('utf8').split(c.layout.root).join('$R'));
    return { roots: lines(c.nix.roots.stdout), live: lines(c.nix.live.stdout), dead: lines(c.nix.dead.stdout), comparison: c };
  };
}

/** Roots lines of Nix output as `link -> target` pairs in a small map (link -> target). */
export function rootMap(view: NixView): Map<string, string> {
  return new Map(view.roots.map((l) => l.split(' -> ') as [string, string]));
}

/** Asserts that Nix saw exactly these roots (so the case exercises what its name says). */
export function expectNixRoots(view: NixView, expected: readonly string[]): void {
  expect(view.roots, 'nix-store --gc --print-roots (sanity check of the case itself)').toEqual(expected);
}
