/**
 * Self-cleaning scratch directories: mkdtemp under os.tmpdir(), removed after each test (or after
 * the file) even when store paths inside were made read-only.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { removeTree } from './fsTree.js';
import { releaseStore } from './materialize.js';

export function makeTempDir(prefix = 'storegc-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Registers cleanup hooks and returns a factory: dirs made by it are removed in afterEach
 * (scope 'each') or afterAll (scope 'all'), after live temp-root locks on them are released.
 * Suites whose tests run concurrently must use 'all' ('each' would remove a running test's dir).
 */
export function useTempDirs(scope: 'each' | 'all' = 'each'): (prefix?: string) => string {
  const dirs: string[] = [];
  const cleanup = (): void => {
    for (const d of dirs.splice(0)) {
      releaseStore(d);
      removeTree(d);
    }
  };
  if (scope === 'each') afterEach(cleanup);
  else afterAll(cleanup);
  return (prefix) => {
    const d = makeTempDir(prefix);
    dirs.push(d);
    return d;
  };
}
