/**
 * Reads the profiles tree (`STATE/profiles`, per-user directories included) into the snapshot
 * that planGenerationRemoval decides on: names in readdir order (opendir, not readdir: libuv's
 * scandir sorts), lstat mtimes in whole seconds, link targets, and whether each directory may be
 * written. Thin I/O only; what counts as a profile or a generation is decided in generations.ts.
 * Like Nix (§12.3): a directory we may not read is skipped silently, a link that cannot be read is
 * not a profile. An entry that vanishes while we read is left out.
 */
import { accessSync, constants, lstatSync, opendirSync, readlinkSync } from 'node:fs';
import { StoregcError, errnoOf } from '../errors.js';
import { BINARY_NAMES, display, fromBytes, fsPath } from '../store/bytes.js';
import type { DirEntrySnapshot, DirSnapshot } from './generations.js';

function can(path: string, mode: number): boolean {
  try {
    accessSync(fsPath(path), mode);
    return true;
  } catch {
    return false;
  }
}

/** st_mtime: whole seconds, rounded down as the kernel's tv_sec is. */
function mtimeSeconds(ns: bigint): number {
  const s = ns / 1_000_000_000n;
  return Number(ns < 0n && s * 1_000_000_000n !== ns ? s - 1n : s);
}

function names(path: string): string[] {
  let handle;
  try {
    handle = opendirSync(fsPath(path), BINARY_NAMES);
  } catch (error) {
    throw new StoregcError('io', display(path), `cannot read profiles directory (${errnoOf(error) ?? String(error)})`, 'check its permissions, or choose other profiles with --profiles');
  }
  const out: string[] = [];
  try {
    for (let d = handle.readSync(); d !== null; d = handle.readSync()) out.push(d.name);
  } finally {
    handle.closeSync();
  }
  return out;
}

function readEntry(dir: string, name: string): DirEntrySnapshot | undefined {
  const path = `${dir}/${name}`;
  let st;
  try {
    st = lstatSync(fsPath(path), { bigint: true });
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw new StoregcError('io', display(path), `cannot stat profile entry (${errnoOf(error) ?? String(error)})`, 'check its permissions');
  }
  const mtime = mtimeSeconds(st.mtimeNs);
  if (st.isSymbolicLink()) {
    let target: string | undefined;
    try {
      target = fromBytes(readlinkSync(fsPath(path), { encoding: 'buffer' }));
    } catch {
      target = undefined; // Nix skips a link it cannot read (ENOENT) and swallows other readlink errors
    }
    return { name, kind: 'link', mtime, target };
  }
  if (st.isDirectory()) return { name, kind: 'dir', mtime, dir: readProfilesTree(path) };
  return { name, kind: 'other', mtime };
}

/** The snapshot of `dir` (binary string), or undefined when it does not exist or cannot be read. */
export function readProfilesTree(dir: string): DirSnapshot | undefined {
  if (!can(dir, constants.R_OK)) return undefined;
  const entries: DirEntrySnapshot[] = [];
  for (const name of names(dir)) {
    const e = readEntry(dir, name);
    if (e !== undefined) entries.push(e);
  }
  return { path: dir, writable: can(dir, constants.W_OK), entries };
}
