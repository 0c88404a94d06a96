/**
 * The indirect roots of `gcroots/auto/` as `--prune-auto-roots` sees them (I/O only): each
 * `auto/` entry, the outside link it names (`/home/u/result`), and in each place that outside
 * link may be (inside a chroot-style root and on the host) whether it is a symlink into the store
 * and when it was made (its own mtime). Entries that are not symlinks are left out.
 */
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { outsidePaths } from '../config/settings.js';
import type { Settings } from '../config/settings.js';
import { errnoOf } from '../errors.js';
import { fromBytes, fsPath } from '../store/bytes.js';
import { isInStore } from '../store/storePath.js';
import { outsideTarget } from './classify.js';

export interface OutsidePlace {
  /** Where the outside link was looked at. */
  readonly place: string;
  /** 'store-link': a symlink into the store; 'missing'; 'other': anything else (or unreadable). */
  readonly kind: 'store-link' | 'missing' | 'other';
  /** Its mtime in seconds (store links only). */
  readonly mtime: number;
}

export interface AutoRoot {
  /** The `gcroots/auto/` entry. */
  readonly link: string;
  /** The outside link it names (logical, as roots report it). */
  readonly outside: string;
  readonly places: readonly OutsidePlace[];
}

export function readAutoRoots(settings: Settings): AutoRoot[] {
  const dir = `${settings.stateDir}/gcroots/auto`;
  let names: Buffer[];
  try {
    names = readdirSync(fsPath(dir), { encoding: 'buffer' });
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return [];
    throw error;
  }
  const roots: AutoRoot[] = [];
  for (const raw of names) {
    const link = `${dir}/${fromBytes(raw)}`;
    let target: string;
    try {
      target = fromBytes(readlinkSync(fsPath(link), { encoding: 'buffer' }));
    } catch {
      continue; // not a symlink (or gone): never pruned
    }
    const outside = outsideTarget(link, target);
    if (isInStore(settings.storeDir, outside)) continue; // a direct root, not an indirection
    // A link under gcroots/ or profiles/ is a root of its own (nix-store --add-root puts one
    // there with an auto/ entry too): never pruned through its auto/ entry.
    if (outside.startsWith(`${settings.stateDir}/gcroots/`) || outside.startsWith(`${settings.stateDir}/profiles/`)) continue;
    roots.push({ link, outside, places: outsidePaths(settings, outside).map((place) => lookAt(place, settings.storeDir)) });
  }
  return roots;
}

function lookAt(place: string, storeDir: string): OutsidePlace {
  try {
    const st = lstatSync(fsPath(place));
    if (!st.isSymbolicLink()) return { place, kind: 'other', mtime: 0 };
    const target = fromBytes(readlinkSync(fsPath(place), { encoding: 'buffer' }));
    return isInStore(storeDir, target) ? { place, kind: 'store-link', mtime: st.mtimeMs / 1000 } : { place, kind: 'other', mtime: 0 };
  } catch (error) {
    const errno = errnoOf(error);
    return { place, kind: errno === 'ENOENT' || errno === 'ENOTDIR' ? 'missing' : 'other', mtime: 0 };
  }
}
