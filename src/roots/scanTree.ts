/**
 * Walks a roots tree (gcroots/, profiles/, extra roots) the way Nix's findRoots does
 * (reference §3.2): real directories are recursed, symlinks are read but never followed,
 * regular files are kept, other file types ignored. Directories are read in parallel with
 * bounded concurrency; the entry type comes from readdir (d_type), so only symlinks cost a
 * system call of their own.
 */
import { lstat, opendir, readlink } from 'node:fs/promises';
import type { Dirent, OpenDirOptions } from 'node:fs';
import type { LimitFunction } from 'p-limit';
import { errnoOf } from '../errors.js';
import { display, fromBytes, fsPath } from '../store/bytes.js';
import type { Finding, TreeEntry } from './types.js';

export interface ScanResult {
  readonly entries: TreeEntry[];
  readonly findings: Finding[];
}

/** Errors Nix reports as "cannot read potential root" and skips (§3.4). */
const SKIPPED_ERRNOS = new Set(['EACCES', 'ENOENT', 'ENOTDIR']);
const LINK_BATCH = 64;
/** Names as raw bytes (Node supports it; its types do not say so). */
export const BUFFER_NAMES = { encoding: 'buffer', bufferSize: 1024 } as unknown as OpenDirOptions;

export async function scanTrees(tops: readonly string[], limit: LimitFunction): Promise<ScanResult> {
  const result: ScanResult = { entries: [], findings: [] };
  const pending: Promise<void>[] = [];

  const fail = (path: string, error: unknown): void => {
    const errno = errnoOf(error);
    const skipped = errno !== undefined && SKIPPED_ERRNOS.has(errno);
    result.findings.push({
      code: 'unreadable-root',
      path,
      message: skipped
        ? `cannot read potential root '${display(path)}' (${errno})`
        : `cannot read potential root '${display(path)}': ${(error as Error).message} (Nix would abort here; storegc skips it)`,
    });
  };

  const visitDir = (dir: string): void => {
    pending.push(
      limit(() => readDir(dir)).then(
        (subdirs) => subdirs.forEach(visitDir),
        (error: unknown) => fail(dir, error),
      ),
    );
  };

  const readDir = async (dir: string): Promise<string[]> => {
    const subdirs: string[] = [];
    const links: string[] = [];
    const handle = await opendir(fsPath(dir), BUFFER_NAMES);
    for await (const dirent of handle as AsyncIterable<Dirent<Buffer>>) {
      const path = `${dir}/${fromBytes(dirent.name)}`;
      if (dirent.isDirectory()) subdirs.push(path);
      else if (dirent.isFile()) result.entries.push({ type: 'file', path });
      else if (dirent.isSymbolicLink()) links.push(path);
    }
    // Bounded fan-out inside one directory: a Hydra roots dir can hold a million links.
    for (let i = 0; i < links.length; i += LINK_BATCH) {
      await Promise.all(links.slice(i, i + LINK_BATCH).map(readSymlink));
    }
    return subdirs;
  };

  const readSymlink = async (path: string): Promise<void> => {
    try {
      const target = await readlink(fsPath(path), { encoding: 'buffer' });
      result.entries.push({ type: 'symlink', path, target: fromBytes(target) });
    } catch (error) {
      fail(path, error);
    }
  };

  // The tops are of unknown type: lstat them, like Nix does for DT_UNKNOWN.
  for (const top of tops) {
    try {
      const st = await lstat(fsPath(top));
      if (st.isDirectory()) visitDir(top);
      else if (st.isFile()) result.entries.push({ type: 'file', path: top });
      else if (st.isSymbolicLink()) pending.push(readSymlink(top));
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') fail(top, error);
    }
  }
  for (let i = 0; i < pending.length; i++) await pending[i];
  return result;
}
