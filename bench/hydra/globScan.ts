/**
 * The fast-glob baseline: one `fg('**')` walk per top (dirents only, no stat, symlinks not
 * followed), then every symlink it returns read with bounded concurrency (p-limit), and links
 * pointing outside the store followed one more hop, as for indirect roots. Prints
 * `{"roots": N, "scanMs": T}`, counted like naiveScan.
 *
 *   node dist-bench/bench/hydra/globScan.js STORE_DIR TOP...
 */
import fg from 'fast-glob';
import { lstat, readlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import pLimit from 'p-limit';

const CONCURRENCY = 64;
const [storeDir, ...tops] = process.argv.slice(2);
if (storeDir === undefined || tops.length === 0) throw new Error('usage: globScan STORE_DIR TOP...');
const inStore = (target: string): boolean => target.startsWith(`${storeDir}/`);
const limit = pLimit(CONCURRENCY);

async function isRootLink(path: string): Promise<boolean> {
  const target = await readlink(path);
  if (inStore(target)) return true;
  const outside = resolve(dirname(path), target);
  try {
    return (await lstat(outside)).isSymbolicLink() && inStore(await readlink(outside));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

const start = performance.now();
let roots = 0;
for (const cwd of tops) {
  const entries = await fg('**', { cwd, dot: true, onlyFiles: false, followSymbolicLinks: false, stats: false, objectMode: true });
  const links: string[] = [];
  for (const entry of entries) {
    if (entry.dirent.isSymbolicLink()) links.push(`${cwd}/${entry.path}`);
    else if (entry.dirent.isFile()) roots++;
  }
  const found = await Promise.all(links.map((path) => limit(() => isRootLink(path))));
  roots += found.filter(Boolean).length;
}
process.stdout.write(`${JSON.stringify({ roots, scanMs: performance.now() - start })}\n`);
