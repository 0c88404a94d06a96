/**
 * Runtime roots on Linux (reference §4): store paths that running processes use, found in
 * /proc: exe, cwd, open fds, mapped files, environment, and three kernel settings. Returns raw
 * (target, label) pairs; which of them are roots is decided against the store later.
 *
 * Fails closed where Nix 2.8 ignores errors: a process that vanished (ENOENT, ESRCH) is no
 * failure, but an entry of another user's process we may not read (EACCES) hides runtime roots.
 * Those are counted and reported once per run, not once per entry; any other error is reported
 * per entry. EACCES on a process of our own user is ignored as Nix does: only a kernel or
 * sandbox policy hides those (a container's init from its root, for one), and failing on them
 * would stop every collection there.
 *
 * Blocking calls: /proc is the kernel's memory, and a hundred processes read through libuv's
 * pool took 20-25 ms of round trips, about a tenth of a `dead` with its caches current.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import { display, fromBytes, fsPath } from '../store/bytes.js';
import type { OwnFds } from './ownFds.js';
import { pathsInMaps, storePathsInEnviron } from './procParse.js';
import type { Finding } from './types.js';

export interface RuntimeRef {
  readonly target: string;
  readonly label: string;
}

const VANISHED = new Set(['ENOENT', 'ESRCH']);
const KERNEL_FILES = ['modprobe', 'fbsplash', 'poweroff_cmd'];

/** @param own this process's fds as at its start (ownFds.ts): read in place of its live ones. */
export async function readRuntimeRefs(procDir: string, storeDir: string, own?: OwnFds): Promise<{ refs: RuntimeRef[]; findings: Finding[] }> {
  const refs: RuntimeRef[] = [];
  const findings: Finding[] = [];
  const euid = process.geteuid?.();
  let denied = 0;
  /** `owner`: the /proc entry whose owner says whose process (or setting) this is. */
  const note = (path: string, owner: string, error: unknown): void => {
    const errno = errnoOf(error);
    if (errno !== undefined && VANISHED.has(errno)) return;
    if (errno === 'EACCES') {
      if (ownedByOthers(owner, euid)) denied++;
      return;
    }
    findings.push({ code: 'unreadable-runtime', path, message: `cannot read '${display(path)}': ${(error as Error).message}; runtime roots are unknown` });
  };
  const link = (path: string, owner: string): void => {
    try {
      const target = fromBytes(readlinkSync(path, { encoding: 'buffer' }));
      if (target.startsWith('/')) refs.push({ target, label: path });
    } catch (error) {
      note(path, owner, error);
    }
  };

  let pids: string[];
  try {
    pids = readdirSync(procDir).filter((name) => /^\d+$/.test(name));
  } catch (error) {
    // Without the listing nothing is known, whatever the error (no /proc mounted included).
    findings.push({ code: 'unreadable-runtime', path: procDir, message: `cannot read '${display(procDir)}': ${(error as Error).message}; runtime roots are unknown; pass --no-runtime-roots to collect without them` });
    return { refs, findings };
  }
  for (const pid of pids) {
    const base = `${procDir}/${pid}`;
    link(`${base}/exe`, base);
    link(`${base}/cwd`, base);
    if (own !== undefined && pid === String(own.pid)) {
      for (const { fd, target } of own.fds) refs.push({ target, label: `${base}/fd/${fd}` });
    } else {
      let fds: string[];
      try {
        fds = readdirSync(`${base}/fd`);
      } catch (error) {
        // As in Nix: without the fd directory, the rest of this process is skipped.
        note(`${base}/fd`, base, error);
        continue;
      }
      for (const fd of fds) if (!fd.startsWith('.')) link(`${base}/fd/${fd}`, base);
    }
    try {
      for (const target of pathsInMaps(fromBytes(readFileSync(`${base}/maps`)))) refs.push({ target, label: `${base}/maps` });
    } catch (error) {
      note(`${base}/maps`, base, error);
    }
    try {
      const environ = fromBytes(readFileSync(`${base}/environ`));
      for (const target of storePathsInEnviron(environ, storeDir)) refs.push({ target, label: `${base}/environ` });
    } catch (error) {
      note(`${base}/environ`, base, error);
    }
  }
  for (const name of KERNEL_FILES) {
    const file = `${procDir}/sys/kernel/${name}`;
    try {
      // The whole content, trailing newline included, is the key (so a bare store path fails).
      refs.push({ target: fromBytes(readFileSync(fsPath(file))), label: file });
    } catch (error) {
      note(file, file, error);
    }
  }
  if (denied > 0) {
    findings.push({
      code: 'unreadable-runtime',
      path: procDir,
      message: `cannot read ${denied} ${denied === 1 ? 'entry' : 'entries'} under ${display(procDir)} (EACCES); runtime roots of other users' processes are unknown; run as root or pass --no-runtime-roots`,
    });
  }
  return { refs, findings };
}

/** Is this /proc entry another user's? Unknown owner (the process vanished meanwhile): no. */
function ownedByOthers(entry: string, euid: number | undefined): boolean {
  try {
    return statSync(entry).uid !== euid;
  } catch (error) {
    const errno = errnoOf(error);
    if (errno !== undefined && VANISHED.has(errno)) return false;
    return true;
  }
}
