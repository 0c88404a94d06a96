/** Pure parsing of temproots file names and contents (reference §5.1, §5.4). */
import { parseStorePath } from '../store/storePath.js';

const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);

/**
 * std::stoi as Nix 2.8 applies it to the file name: leading whitespace, optional sign, digits,
 * rest ignored (`0777` -> 777, `12x` -> 12). Undefined where stoi would throw.
 */
export function pidOfTempRootsName(name: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(name);
  if (m === null || m[1] === undefined) return undefined;
  const n = Number.parseInt(m[1], 10);
  return n > INT_MAX || n < INT_MIN ? undefined : n;
}

/**
 * What a temp root is labelled with, `{temp:<this>}`: the pid of `temproots-<pid>-<counter>`
 * (Nix 2.35.0-2.35.2), else the pid as Nix 2.8 reads it (std::stoi, so `<pid>-<counter>` and
 * `<pid>` give the pid), else the file name itself.
 */
export function tempRootsLabel(name: string): string {
  const m = /^temproots-([0-9]+)-[0-9]+$/.exec(name);
  if (m?.[1] !== undefined) return String(Number.parseInt(m[1], 10));
  const pid = pidOfTempRootsName(name);
  return pid === undefined ? name : String(pid);
}

/**
 * Names Nix gives temproots files: `<pid>` (2.8), `<pid>-<counter>` and
 * `temproots-<pid>-<counter>` (2.35). Only those are removed when stale: any other file is not
 * known to follow Nix's protocol, so it is left alone.
 */
export function isNixTempRootsName(name: string): boolean {
  return /^(?:[0-9]+|[0-9]+-[0-9]+|temproots-[0-9]+-[0-9]+)$/.test(name);
}

/** Entries end with NUL; bytes after the last NUL are a torn append and ignored. */
export function parseTempRootsFile(content: string, storeDir: string): { paths: string[]; bad: string[] } {
  const paths: string[] = [];
  const bad: string[] = [];
  const parts = content.split('\0');
  parts.pop();
  for (const entry of parts) {
    const path = parseStorePath(storeDir, entry);
    if (path === null) bad.push(entry);
    else paths.push(path);
  }
  return { paths, bad };
}
