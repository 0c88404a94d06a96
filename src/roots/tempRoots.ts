/**
 * Temp roots (reference §5.4): `STATE/temproots/<pid>` files holding NUL-terminated store
 * paths. An owner is alive while it holds flock(LOCK_EX) on its file; if we can take the lock,
 * the file is stale. Nix 2.8 then deletes it; storegc only reports it (read-only). Temp roots
 * are not checked for validity and protect by hash part.
 */
import { closeSync, constants, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { errnoOf } from '../errors.js';
import { BINARY_NAMES, display, fromBytes, fsPath } from '../store/bytes.js';
import { tryLockExclusive, unlock } from '../store/flock.js';
import type { Finding, Root } from './types.js';
import { parseTempRootsFile, pidOfTempRootsName } from './tempRootsParse.js';

export interface TempRootsRead {
  readonly roots: Root[];
  readonly findings: Finding[];
}

/**
 * @param removeStale the collector's mode: delete a stale file while holding its lock, exactly as
 *   Nix does (unlink, then write a byte so a client that opened it before the unlink retries).
 */
export async function readTempRoots(stateDir: string, storeDir: string, removeStale = false): Promise<TempRootsRead> {
  const dir = `${stateDir}/temproots`;
  const out: TempRootsRead = { roots: [], findings: [] };
  let handle;
  try {
    handle = await opendir(fsPath(dir), BINARY_NAMES);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return out;
    throw error;
  }
  for await (const dirent of handle) {
    const name = dirent.name;
    if (name.startsWith('.')) continue;
    const file = `${dir}/${name}`;
    const pid = pidOfTempRootsName(name);
    if (pid === undefined) {
      // Nix 2.8 aborts the whole command here (`error: stoi`); storegc skips the file.
      out.findings.push({ code: 'bad-temproots', path: file, message: `temproots file name '${display(name)}' is not a process id; ignored (Nix 2.8 would abort)` });
      continue;
    }
    const content = readIfOwnerAlive(file, removeStale);
    if (content === 'missing') continue;
    if (content === 'stale') {
      const message = removeStale ? `removed stale temporary roots file '${display(file)}'` : `stale temporary roots file '${display(file)}' (owner is gone; Nix would remove it)`;
      out.findings.push({ code: 'stale-temproots', path: file, message });
      continue;
    }
    const parsed = parseTempRootsFile(content, storeDir);
    for (const bad of parsed.bad) {
      out.findings.push({ code: 'bad-temproots', path: file, message: `temporary root '${display(bad)}' in '${display(file)}' is not a store path; ignored (Nix 2.8 would abort)` });
    }
    for (const path of parsed.paths) out.roots.push({ link: `{temp:${pid}}`, path, kind: 'temp' });
  }
  return out;
}

/**
 * Opened read-only unless removing: flock does not need write access.
 * Returns the content while the owner holds its lock, 'stale' when nobody does.
 */
function readIfOwnerAlive(file: string, removeStale: boolean): string | 'stale' | 'missing' {
  let fd: number;
  try {
    fd = openSync(fsPath(file), removeStale ? constants.O_RDWR : constants.O_RDONLY);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    if (tryLockExclusive(fd)) {
      if (removeStale) {
        unlinkSync(fsPath(file));
        writeSync(fd, 'd');
      }
      unlock(fd);
      return 'stale';
    }
    return fromBytes(readFileSync(fd));
  } finally {
    closeSync(fd);
  }
}
