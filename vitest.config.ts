import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default there is one): most of a file's
    // time is spent waiting on the storegc and Nix processes it starts, so the full suite takes
    // about two thirds of its serial time.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
