/**
 * Start-up with V8's code cache. The storegc binary (dist/cli/storegc.js, launch.ts) is a small
 * loader; the program is one CommonJS bundle beside it (PROGRAM, scripts/bundle.mjs), compiled
 * with the code cache the build made for exactly that bundle (CACHE, scripts/codeCache.mjs):
 * V8 then takes the bytecode of the functions a run uses from the cache instead of parsing and
 * compiling them, about 30 ms of a 0.3 s `dead` on a 200k-path store.
 *
 * V8 accepts a cache for any source of the same length (it checks the length, its version and
 * its flags), so the cache file starts with the SHA-256 of the bundle it was made for and of its
 * own data: a cache made for another bundle, a damaged one or none at all is not handed to V8,
 * and the program is compiled from its source as it would be without one. V8 itself refuses a
 * cache of another Node or other flags (the same fallback).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** The program bundle and its code cache, beside the binary. */
export const PROGRAM = 'storegc-program.cjs';
export const CACHE = 'storegc-program.cache';

const DIGEST = 32;

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** The cache file for `source`: its digest, the data's, the data V8 made. */
export function cacheFileOf(source: Uint8Array, data: Uint8Array): Buffer {
  return Buffer.concat([sha256(source), sha256(data), data]);
}

/** The V8 data of a cache file (cacheFileOf) when it was made for `source` and is intact; else undefined. */
export function cachedDataFor(source: Uint8Array, file: Buffer | undefined): Buffer | undefined {
  if (file === undefined || file.length <= 2 * DIGEST) return undefined;
  const data = file.subarray(2 * DIGEST);
  if (!sha256(source).equals(file.subarray(0, DIGEST)) || !sha256(data).equals(file.subarray(DIGEST, 2 * DIGEST))) return undefined;
  return data;
}

export interface Program {
  /** The source as read (the cache's digest is of these bytes). */
  readonly source: Buffer;
  /** Whether V8 took the cache (false: none handed to it, or refused). */
  readonly cached: boolean;
  /** Runs the program (its top level reads process.argv). */
  run(): void;
  /** The code cache of everything compiled so far, as a cache file for this source. */
  cache(): Buffer;
}

/** The CommonJS bundle `file`, compiled with the cache file `cache` where it belongs to it. */
export function loadProgram(file: string, cache: Buffer | undefined): Program {
  const source = readFileSync(file);
  const cachedData = cachedDataFor(source, cache);
  const script = new Script(Module.wrap(source.toString('utf8')), { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
  return {
    source,
    cached: cachedData !== undefined && !script.cachedDataRejected,
    run: () => {
      const body = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;
      const module = { exports: {} };
      body.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
    },
    cache: () => cacheFileOf(source, script.createCachedData()),
  };
}

/** The cache file beside the program, if readable (any failure: none, the program compiles without). */
export function readCacheFile(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
