/**
 * The access times `--order lru` reads (policy/lruOrder.ts decides what counts as a use): for a
 * store path that is not a directory, its own lstat; for a directory, the lstat of each direct
 * child that is not a directory. Never a directory's own atime: reading a directory sets it (on
 * relatime mounts once a day), and storegc's own measurement of what a dry run or `status`
 * would free reads every directory it lists, so a dry run would change what the next run
 * deletes. lstat never changes an atime, and neither does the measurement of a file.
 */
import { lstatSync, readdirSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { errnoOf } from '../errors.js';
import type { AccessTimes } from '../policy/lruOrder.js';
import { fsPath } from '../store/bytes.js';

/** Per real path, the times read for it; empty where the entry is missing. */
export function readAccessTimes(realPaths: readonly string[]): AccessTimes[][] {
  return realPaths.map((path) => {
    const top = fsPath(path);
    const st = lstatOrMissing(top);
    if (st === undefined) return [];
    if (!st.isDirectory()) return [timesOf(st)];
    const out: AccessTimes[] = [];
    for (const name of readdirOrMissing(top)) {
      const child = lstatOrMissing(Buffer.concat([top, SLASH, name]));
      if (child !== undefined && !child.isDirectory()) out.push(timesOf(child));
    }
    return out;
  });
}

const SLASH = Buffer.from('/');

function timesOf(st: Stats): AccessTimes {
  return { atime: st.atimeMs / 1000, mtime: st.mtimeMs / 1000 };
}

/** Entries vanish under us only if someone else deletes them: no time, nothing to order by. */
function lstatOrMissing(path: Buffer): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

function readdirOrMissing(path: Buffer): Buffer[] {
  try {
    return readdirSync(path, { encoding: 'buffer' });
  } catch (error) {
    if (isGone(error)) return [];
    throw error;
  }
}

function isGone(error: unknown): boolean {
  const code = errnoOf(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
