/**
 * Groups of roots, a partition of the root rows: a profile with all its generations
 * (`.../name` and `.../name-<N>-link`), the runtime roots of one process (`/proc/<pid>/...`),
 * each temp-roots owner (`{temp:<pid>}`), otherwise the link's directory. Pure.
 */
import type { Root } from '../roots/types.js';
import { packLatin1 } from '../store/byteOrder.js';
import type { PackedStrings } from '../store/byteOrder.js';

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * `name` when the link is `name-<N>-link` (as /^(.*)-[0-9]+-link$/ matches; a name holding a
 * line break is none), else null. By hand: a million roots would spend a second in the regex.
 */
export function generationOf(link: string): string | null {
  const end = link.length - '-link'.length;
  if (end < 2 || !link.endsWith('-link')) return null;
  let digits = end;
  while (digits > 0 && isDigit(link.charCodeAt(digits - 1))) digits--;
  if (digits === end || digits === 0 || link.charCodeAt(digits - 1) !== 45) return null;
  const name = link.slice(0, digits - 1);
  return name.includes('\n') || name.includes('\r') ? null : name;
}

/** `/proc/<pid>` for a link under it (/^(\/proc\/[0-9]+)\//), else null. */
function procOf(link: string): string | null {
  if (!link.startsWith('/proc/')) return null;
  let i = '/proc/'.length;
  while (i < link.length && isDigit(link.charCodeAt(i))) i++;
  return i > '/proc/'.length && link.charCodeAt(i) === 47 ? link.slice(0, i) : null;
}

export function groupOf(root: Root, profileNames: ReadonlySet<string>, generation: string | null = generationOf(root.link)): string {
  if (root.kind === 'temp') return root.link;
  const proc = procOf(root.link);
  if (proc !== null) return proc;
  if (generation !== null) return generation;
  if (profileNames.has(root.link)) return root.link;
  const slash = root.link.lastIndexOf('/');
  return slash <= 0 ? '/' : root.link.slice(0, slash);
}

/**
 * Group name of each root and the group names in first-seen order, as groupOf names them.
 * Read from the links' bytes (`links`: the roots' links packed, as packLatin1 packs them): a
 * string is made only for each new group key met (a directory, a profile, a process), and for
 * a link beside a profile's generations; adjacent links with the same key (usually all of a
 * directory's) are told apart by their bytes alone. Reading 700k link strings (made by
 * concatenation, each flattened on first read) and hashing them took a second.
 */
export function groupRoots(roots: readonly Root[], links: PackedStrings = packLatin1(roots.map((r) => r.link))): { readonly groupIndex: Int32Array; readonly names: readonly string[] } {
  const { bytes, offsets } = links;
  const n = roots.length;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (from: number, to: number): string => view.toString('latin1', from, to);
  // A link is a profile when a generation link `<link>-<N>-link` exists beside it: the profiles'
  // names, and the directories holding one (only a link in such a directory can be a profile).
  const generationEnd = new Int32Array(n);
  const profileNames = new Set<string>();
  const profileDirs = new Set<string>();
  let last = -1;
  for (let i = 0; i < n; i++) {
    const end = generationEndOf(bytes, offsets[i]!, offsets[i + 1]!);
    generationEnd[i] = end;
    if (end === -1) continue;
    if (last !== -1 && sameBytes(words, bytes, offsets[last]!, generationEnd[last]!, offsets[i]!, end)) continue;
    last = i;
    const name = text(offsets[i]!, end);
    profileNames.add(name);
    profileDirs.add(name.slice(0, Math.max(0, name.lastIndexOf('/'))));
  }
  const index = new Map<string, number>();
  const names: string[] = [];
  const groupOfName = (name: string): number => {
    let g = index.get(name);
    if (g === undefined) {
      g = names.length;
      index.set(name, g);
      names.push(name);
    }
    return g;
  };
  const groupIndex = new Int32Array(n);
  // The last key met (a process or a profile: bytes from .. to) and its group.
  let keyFrom = 0;
  let keyTo = -1;
  let keyGroup = -1;
  // The last directory met (bytes from .. to), whether a profile is in it, and its group (-1
  // until one of its links is grouped by it: names come in first-seen order).
  let dirFrom = 0;
  let dirTo = -1;
  let dir = '';
  let dirHasProfiles = false;
  let dirGroup = -1;
  for (let i = 0; i < n; i++) {
    const root = roots[i]!;
    const from = offsets[i]!;
    const to = offsets[i + 1]!;
    if (root.kind === 'temp') {
      groupIndex[i] = groupOfName(root.link);
      continue;
    }
    const keyEnd = generationEnd[i] !== -1 && !isProc(bytes, from, to) ? generationEnd[i]! : procEnd(bytes, from, to);
    if (keyEnd !== -1) {
      if (!sameBytes(words, bytes, keyFrom, keyTo, from, keyEnd)) {
        keyFrom = from;
        keyTo = keyEnd;
        keyGroup = groupOfName(text(from, keyEnd));
      }
      groupIndex[i] = keyGroup;
      continue;
    }
    // The link's last slash (from - 1: none). The typed arrays' lastIndexOf (a builtin) goes on
    // past `from` until it meets one: for a link that starts with a slash (every link but a temp
    // root's, grouped above) it stops within the link; any other is searched within its bytes,
    // or links without a slash one after another would each be searched back through all before.
    const slash = to > from && bytes[from] === SLASH ? bytes.lastIndexOf(SLASH, to - 1) : lastSlashWithin(bytes, from, to);
    const dirEnd = Math.max(from, slash);
    if (!sameBytes(words, bytes, dirFrom, dirTo, from, dirEnd)) {
      dirFrom = from;
      dirTo = dirEnd;
      dir = text(from, dirEnd);
      dirHasProfiles = profileDirs.has(dir);
      dirGroup = -1;
    }
    if (dirHasProfiles) {
      const link = text(from, to);
      if (profileNames.has(link)) {
        groupIndex[i] = groupOfName(link);
        continue;
      }
    }
    if (dirGroup === -1) dirGroup = groupOfName(slash <= from ? '/' : dir);
    groupIndex[i] = dirGroup;
  }
  return { groupIndex, names };
}

const SLASH = 0x2f;
const DASH = 0x2d;
const LINK = [...'-link'].map((c) => c.charCodeAt(0));
const PROC = [...'/proc/'].map((c) => c.charCodeAt(0));

/**
 * Whether two runs of `bytes` are equal, four bytes at a time through `words` (a DataView of
 * `bytes`, which V8 compiles inline): most adjacent links share their directory, 60 bytes and more.
 */
function sameBytes(words: DataView, bytes: Uint8Array, aFrom: number, aTo: number, bFrom: number, bTo: number): boolean {
  const n = aTo - aFrom;
  if (n !== bTo - bFrom) return false;
  let k = 0;
  for (; k + 4 <= n; k += 4) if (words.getUint32(aFrom + k) !== words.getUint32(bFrom + k)) return false;
  for (; k < n; k++) if (bytes[aFrom + k] !== bytes[bFrom + k]) return false;
  return true;
}

/** generationOf on the link's bytes: where its name ends, or -1. */
function generationEndOf(bytes: Uint8Array, from: number, to: number): number {
  const end = to - LINK.length;
  if (end - from < 2) return -1;
  for (let k = 0; k < LINK.length; k++) if (bytes[end + k] !== LINK[k]) return -1;
  let digits = end;
  while (digits > from && isDigit(bytes[digits - 1]!)) digits--;
  if (digits === end || digits === from || bytes[digits - 1] !== DASH) return -1;
  for (let k = from; k < digits - 1; k++) if (bytes[k] === 0x0a || bytes[k] === 0x0d) return -1;
  return digits - 1;
}

/** The last slash of bytes[from .. to), or from - 1. */
function lastSlashWithin(bytes: Uint8Array, from: number, to: number): number {
  let k = to - 1;
  while (k >= from && bytes[k] !== SLASH) k--;
  return k;
}

function isProc(bytes: Uint8Array, from: number, to: number): boolean {
  return procEnd(bytes, from, to) !== -1;
}

/** procOf on the link's bytes: where `/proc/<pid>` ends, or -1. */
function procEnd(bytes: Uint8Array, from: number, to: number): number {
  if (to - from < PROC.length) return -1;
  for (let k = 0; k < PROC.length; k++) if (bytes[from + k] !== PROC[k]) return -1;
  let i = from + PROC.length;
  while (i < to && isDigit(bytes[i]!)) i++;
  return i > from + PROC.length && i < to && bytes[i] === SLASH ? i : -1;
}
