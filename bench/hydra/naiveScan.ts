/**
 * The naive baseline: roots found one entry at a time, synchronously, on one thread, the way
 * Nix 2.8's findRoots reads them (reference §3.2-3.3), except that it lstats every entry
 * instead of trusting readdir's d_type: a directory is listed and recursed, a symlink is read,
 * and a symlink pointing outside the store is followed one more hop (lstat + readlink) for
 * indirect roots; a regular file counts as a root. Prints `{"roots": N, "scanMs": T}`.
 *
 *   node dist-bench/bench/hydra/naiveScan.js STORE_DIR TOP...
 */
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const [storeDir, ...tops] = process.argv.slice(2);
if (storeDir === undefined || tops.length === 0) throw new Error('usage: naiveScan STORE_DIR TOP...');
const inStore = (target: string): boolean => target.startsWith(`${storeDir}/`);
let roots = 0;

function secondHop(link: string, target: string): void {
  const outside = resolve(dirname(link), target);
  try {
    if (lstatSync(outside).isSymbolicLink() && inStore(readlinkSync(outside))) roots++;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function visit(path: string): void {
  const st = lstatSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path)) visit(`${path}/${name}`);
  } else if (st.isSymbolicLink()) {
    const target = readlinkSync(path);
    if (inStore(target)) roots++;
    else secondHop(path, target);
  } else if (st.isFile()) {
    roots++;
  }
}

const start = performance.now();
for (const top of tops) visit(top);
process.stdout.write(`${JSON.stringify({ roots, scanMs: performance.now() - start })}\n`);
