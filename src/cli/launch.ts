#!/usr/bin/env node
/**
 * The storegc binary (dist/cli/storegc.js): runs the program bundle beside it, compiled with
 * the code cache made for it at build time where there is one (codeCache.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE, PROGRAM, loadProgram, readCacheFile } from './codeCache.js';

const here = dirname(fileURLToPath(import.meta.url));
loadProgram(join(here, PROGRAM), readCacheFile(join(here, CACHE))).run();
