/**
 * Temp roots (reference §5.4): files in `STATE/temproots/` holding NUL-terminated store paths.
 * The lock is the protocol, not the name: every regular file there whose owner holds
 * flock(LOCK_EX) on it protects its paths, whatever it is called (Nix 2.8 aborts on a name that
 * is not a number and skips dot-files; Nix 2.35 named them `temproots-<pid>-<counter>`).
 * A file nobody holds is stale: Nix 2.8 deletes it; storegc reports it, and the collector
 * removes it only if its name is one Nix uses. Temp roots are not checked for validity and
 * protect by hash part. Any failure to read the directory or a file is an unreadable root
 * (fails closed), and so is an entry that is not a store path.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { errnoOf } from '../errors.js';
import { BINARY_NAMES, display, fromBytes, fsPath } from '../store/bytes.js';
import { tryLockExclusive, unlock } from '../store/flock.js';
import type { Finding, Root } from './types.js';
import { isNixTempRootsName, parseTempRootsFile, tempRootsLabel } from './tempRootsParse.js';

export interface TempRootsRead {
  readonly roots: Root[];
  readonly findings: Finding[];
}

type FileRead =
  | { readonly kind: 'held'; readonly content: string }
  | { readonly kind: 'stale'; readonly removed: boolean; readonly empty: boolean }
  | { readonly kind: 'gone' }
  | { readonly kind: 'not-a-file' }
  | { readonly kind: 'error'; readonly error: unknown };

/**
 * @param removeStale the collector's mode: delete a stale file while holding its lock, exactly as
 *   Nix does (unlink, then write a byte so a client that opened it before the unlink retries).
 */
export async function readTempRoots(stateDir: string, storeDir: string, removeStale = false): Promise<TempRootsRead> {
  const dir = `${stateDir}/temproots`;
  const out: TempRootsRead = { roots: [], findings: [] };
  const unreadable = (path: string, error: unknown): void => {
    out.findings.push({ code: 'unreadable-root', path, message: `cannot read temporary roots '${display(path)}' (${errnoOf(error) ?? (error as Error).message}); the paths it protects are unknown` });
  };
  try {
    const handle = await opendir(fsPath(dir), BINARY_NAMES);
    for await (const dirent of handle) {
      if (dirent.isDirectory()) continue;
      const name = dirent.name;
      const file = `${dir}/${name}`;
      const read = readIfOwnerAlive(file, removeStale && isNixTempRootsName(name));
      if (read.kind === 'gone' || read.kind === 'not-a-file') continue;
      if (read.kind === 'error') {
        unreadable(file, read.error);
        continue;
      }
      if (read.kind === 'stale') {
        // An empty file nobody locks, under a name Nix never gives (a `.keep`, say), names no root.
        if (read.empty && !isNixTempRootsName(name)) continue;
        out.findings.push({ code: 'stale-temproots', path: file, message: staleMessage(file, name, removeStale, read.removed) });
        continue;
      }
      const parsed = parseTempRootsFile(read.content, storeDir);
      for (const bad of parsed.bad) {
        out.findings.push({ code: 'bad-temproots', path: file, message: `temporary root '${display(bad)}' in '${display(file)}' is not a store path; what it protects is unknown (Nix 2.8 would abort)` });
      }
      const link = `{temp:${tempRootsLabel(name)}}`;
      for (const path of parsed.paths) out.roots.push({ link, path, kind: 'temp' });
    }
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') unreadable(dir, error);
  }
  return out;
}

function staleMessage(file: string, name: string, removeStale: boolean, removed: boolean): string {
  if (removed) return `removed stale temporary roots file '${display(file)}'`;
  if (!isNixTempRootsName(name)) return `stale temporary roots file '${display(file)}' (nobody holds its lock); left alone: its name is not one Nix gives`;
  return removeStale ? `stale temporary roots file '${display(file)}' could not be removed` : `stale temporary roots file '${display(file)}' (owner is gone; Nix would remove it)`;
}

/**
 * Opened read-only unless removing: flock does not need write access. Non-blocking open, so a
 * FIFO cannot hang the run. The content while the owner holds its lock, 'stale' when nobody does.
 */
function readIfOwnerAlive(file: string, remove: boolean): FileRead {
  let fd: number;
  try {
    fd = openSync(fsPath(file), (remove ? constants.O_RDWR : constants.O_RDONLY) | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT') return { kind: 'gone' };
    if (errno === 'EISDIR') return { kind: 'not-a-file' };
    return { kind: 'error', error };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { kind: 'not-a-file' };
    if (!tryLockExclusive(fd)) return { kind: 'held', content: fromBytes(readFileSync(fd)) };
    // A file that cannot be removed is still stale: it protects nothing, so that is no failure.
    const removed = remove && removeHeldFile(file, fd);
    unlock(fd);
    return { kind: 'stale', removed, empty: st.size === 0 };
  } catch (error) {
    return { kind: 'error', error };
  } finally {
    closeSync(fd);
  }
}

/** Nix's order (reference §5.4): unlink, then write a byte for a client that opened it before. */
function removeHeldFile(file: string, fd: number): boolean {
  try {
    unlinkSync(fsPath(file));
  } catch {
    return false;
  }
  writeSync(fd, 'd');
  return true;
}
