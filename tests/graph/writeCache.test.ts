/**
 * The graph cache file written through a temporary file (storedCache.ts writeCache): whole,
 * renamed into place, and when it cannot be written, the error that stopped it, the old file kept.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCache } from '../../src/graph/cache/storedCache.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();

describe('writeCache', () => {
  it('writes the parts in order, through a temporary file renamed into place', () => {
    const dir = tempDir('storegc-write-');
    writeCache(join(dir, 'cache', 'graph'), [Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cde')]);
    expect(readFileSync(join(dir, 'cache', 'graph'), 'utf8')).toBe('abcde');
    expect(readdirSync(join(dir, 'cache'))).toEqual(['graph']);
  });

  it('throws the error that stopped the write, and keeps the old file', () => {
    const dir = tempDir('storegc-write-');
    writeFileSync(join(dir, 'graph'), 'old');
    // A directory where the temporary file goes: opening it fails (EISDIR), and removing it
    // fails too; the first failure is the one to tell (it was the second's ERR_FS_EISDIR).
    mkdirSync(join(dir, `graph.tmp-${process.pid}`));
    expect(() => writeCache(join(dir, 'graph'), [Buffer.from('new')])).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(readFileSync(join(dir, 'graph'), 'utf8')).toBe('old');
  });
});
