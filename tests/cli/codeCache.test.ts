/**
 * The binary's code cache (src/cli/codeCache.ts): used only for the very bundle it was made for,
 * and made by the build for the built one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CACHE, PROGRAM, cacheFileOf, cachedDataFor, loadProgram, readCacheFile } from '../../src/cli/codeCache.js';

const tmp = mkdtempSync(join(tmpdir(), 'storegc-code-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const box = globalThis as { codeCacheAnswer?: number };

/** A program that tells which one ran; both versions are of the same length. */
const program = (answer: number): string => `globalThis.codeCacheAnswer = (function answer() { return ${answer}; })();\n`;

describe('code cache', () => {
  it('runs a program compiled with the cache made from it, and what the cache file holds is checked', () => {
    const file = join(tmp, 'a.cjs');
    writeFileSync(file, program(111));
    const first = loadProgram(file, undefined);
    expect(first.cached).toBe(false);
    first.run();
    expect(box.codeCacheAnswer).toBe(111);
    const cache = first.cache();
    const again = loadProgram(file, cache);
    expect(again.cached).toBe(true);
    box.codeCacheAnswer = 0;
    again.run();
    expect(box.codeCacheAnswer).toBe(111);
    // A damaged data byte, a cut file, none: not handed to V8.
    const damaged = Buffer.from(cache);
    damaged[damaged.length - 1] ^= 1;
    expect(cachedDataFor(first.source, damaged)).toBeUndefined();
    expect(cachedDataFor(first.source, cache.subarray(0, 64))).toBeUndefined();
    expect(cachedDataFor(first.source, undefined)).toBeUndefined();
    expect(cachedDataFor(first.source, cacheFileOf(first.source, Buffer.from('data')))).toEqual(Buffer.from('data'));
  });

  it('runs the program as it is now, not the code cached for an earlier one of the same length', () => {
    // V8 checks a cache against the source's length only: handed this cache, it runs 111.
    const file = join(tmp, 'b.cjs');
    writeFileSync(file, program(111));
    const cache = loadProgram(file, undefined).cache();
    writeFileSync(file, program(222));
    const changed = loadProgram(file, cache);
    expect(changed.cached).toBe(false);
    changed.run();
    expect(box.codeCacheAnswer).toBe(222);
  });

  it('the build made a cache that V8 takes for the built program', () => {
    const cli = join(__dirname, '..', '..', 'dist', 'cli');
    const built = loadProgram(join(cli, PROGRAM), readCacheFile(join(cli, CACHE)));
    expect(built.cached).toBe(true);
    expect(readFileSync(join(cli, 'storegc.js'), 'utf8')).toContain('storegc-program.cjs');
  });
});
