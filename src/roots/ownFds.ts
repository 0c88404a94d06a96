/**
 * This process's open files as they were when it started: what it inherited (a shell's
 * redirection into the store, `storegc roots 3< /nix/store/...`), before it opened anything of
 * its own. The runtime roots scan (runtimeRoots.ts) reads our own fds from this list, not from
 * /proc/self/fd: otherwise a store path directory the disk thread has open to measure it, at the
 * instant the scan passes, is a root of that run only (`roots --sizes` listed `/proc/<own
 * pid>/fd/29` now and then, and its exclusive sizes changed with it). Nix scans itself live
 * (reference §4.4); its own fds on store paths are none while it reads the roots. Inherited ones
 * stay roots, as there.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import { fromBytes } from '../store/bytes.js';

export interface OwnFds {
  readonly pid: number;
  /** fd number and target of each open fd at start (absolute targets only, as the scan keeps). */
  readonly fds: readonly { readonly fd: string; readonly target: string }[];
}

/**
 * Read before anything of ours is open; undefined where it cannot be read (no such /proc), and
 * then the scan reads our fds live, as Nix does.
 */
export function readOwnFds(procDir: string): OwnFds | undefined {
  const pid = process.pid;
  const dir = `${procDir}/${pid}/fd`;
  try {
    const fds: { fd: string; target: string }[] = [];
    for (const fd of readdirSync(dir)) {
      if (fd.startsWith('.')) continue;
      let target: string;
      try {
        target = fromBytes(readlinkSync(`${dir}/${fd}`, { encoding: 'buffer' }));
      } catch (error) {
        // The listing's own descriptor, closed once it is read.
        if (errnoOf(error) === 'ENOENT') continue;
        throw error;
      }
      if (target.startsWith('/')) fds.push({ fd, target });
    }
    return { pid, fds };
  } catch {
    return undefined;
  }
}
