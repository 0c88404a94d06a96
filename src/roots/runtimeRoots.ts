/**
 * Runtime roots on Linux (reference §4): store paths that running processes use, found in
 * /proc: exe, cwd, open fds, mapped files, environment, and three kernel settings. Returns raw
 * (target, label) pairs; which of them are roots is decided against the store later.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { errnoOf } from '../errors.js';
import { fromBytes, fsPath } from '../store/bytes.js';
import { pathsInMaps, storePathsInEnviron } from './procParse.js';
import type { Finding } from './types.js';

export interface RuntimeRef {
  readonly target: string;
  readonly label: string;
}

const IGNORED = new Set(['ENOENT', 'EACCES', 'ESRCH']);
const KERNEL_FILES = ['modprobe', 'fbsplash', 'poweroff_cmd'];

export async function readRuntimeRefs(procDir: string, storeDir: string): Promise<{ refs: RuntimeRef[]; findings: Finding[] }> {
  const refs: RuntimeRef[] = [];
  const findings: Finding[] = [];
  const note = (path: string, error: unknown): void => {
    if (IGNORED.has(errnoOf(error) ?? '')) return;
    findings.push({ code: 'unreadable-runtime', path, message: `cannot read '${path}': ${(error as Error).message}` });
  };
  const link = async (path: string): Promise<void> => {
    try {
      const target = fromBytes(await readlink(path, { encoding: 'buffer' }));
      if (target.startsWith('/')) refs.push({ target, label: path });
    } catch (error) {
      note(path, error);
    }
  };

  let pids: string[];
  try {
    pids = (await readdir(procDir)).filter((name) => /^\d+$/.test(name));
  } catch (error) {
    note(procDir, error);
    return { refs, findings };
  }
  await Promise.all(pids.map(async (pid) => {
    const base = `${procDir}/${pid}`;
    await link(`${base}/exe`);
    await link(`${base}/cwd`);
    let fds: string[];
    try {
      fds = await readdir(`${base}/fd`);
    } catch (error) {
      // As in Nix: without the fd directory, the rest of this process is skipped.
      note(`${base}/fd`, error);
      return;
    }
    await Promise.all(fds.filter((fd) => !fd.startsWith('.')).map((fd) => link(`${base}/fd/${fd}`)));
    try {
      for (const target of pathsInMaps(fromBytes(await readFile(`${base}/maps`)))) refs.push({ target, label: `${base}/maps` });
    } catch (error) {
      note(`${base}/maps`, error);
    }
    try {
      const environ = fromBytes(await readFile(`${base}/environ`));
      for (const target of storePathsInEnviron(environ, storeDir)) refs.push({ target, label: `${base}/environ` });
    } catch (error) {
      note(`${base}/environ`, error);
    }
  }));
  for (const name of KERNEL_FILES) {
    const file = `${procDir}/sys/kernel/${name}`;
    try {
      // The whole content, trailing newline included, is the key (so a bare store path fails).
      refs.push({ target: fromBytes(await readFile(fsPath(file))), label: file });
    } catch (error) {
      note(file, error);
    }
  }
  return { refs, findings };
}
