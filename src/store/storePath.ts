/**
 * Store-path syntax as Nix 2.8 parses it (reference §2). Pure string functions over binary
 * strings; no I/O.
 */

const HASH_CHARS = /^[0123456789abcdfghijklmnpqrsvwxyz]{32}$/;
const NAME_CHARS = /^[0-9a-zA-Z+\-._?=]+$/;
export const HASH_LENGTH = 32;
export const MAX_NAME_LENGTH = 211;

export type NameCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a store directory entry's basename (§2.1). The separator byte at index 32 is not
 * checked in 2.8, and leading dots in the name are allowed.
 */
export function checkBaseName(base: string): NameCheck {
  if (base.length < HASH_LENGTH + 1) return { ok: false, reason: 'is too short to be a valid store path' };
  if (!HASH_CHARS.test(base.slice(0, HASH_LENGTH))) return { ok: false, reason: 'contains illegal base-32 character' };
  const name = base.slice(HASH_LENGTH + 1);
  if (name.length === 0) return { ok: false, reason: 'has an empty name' };
  if (name.length > MAX_NAME_LENGTH) return { ok: false, reason: `has a name longer than ${MAX_NAME_LENGTH} characters` };
  if (!NAME_CHARS.test(name)) return { ok: false, reason: 'contains illegal character' };
  return { ok: true };
}

/** Chars allowed in the hash part (1) and in the name (2), by char code (bit flags). */
const CHAR_CLASS = new Uint8Array(256);
for (const c of '0123456789abcdfghijklmnpqrsvwxyz') CHAR_CLASS[c.charCodeAt(0)]! |= 1;
for (const c of '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-._?=') CHAR_CLASS[c.charCodeAt(0)]! |= 2;

/** `checkBaseName(base).ok`, char by char without slices or regexps: it runs for every store entry and root. */
export function isValidBaseName(base: string): boolean {
  const length = base.length;
  if (length < HASH_LENGTH + 2 || length > HASH_LENGTH + 1 + MAX_NAME_LENGTH) return false;
  for (let k = 0; k < HASH_LENGTH; k++) {
    const c = base.charCodeAt(k);
    if (c > 255 || !(CHAR_CLASS[c]! & 1)) return false;
  }
  for (let k = HASH_LENGTH + 1; k < length; k++) {
    const c = base.charCodeAt(k);
    if (c > 255 || !(CHAR_CLASS[c]! & 2)) return false;
  }
  return true;
}

/** isValidBaseName of the name bytes[from .. to) (latin1: a byte is a char), with no string made. */
export function isValidBaseNameAt(bytes: Uint8Array, from: number, to: number): boolean {
  const length = to - from;
  if (length < HASH_LENGTH + 2 || length > HASH_LENGTH + 1 + MAX_NAME_LENGTH) return false;
  for (let k = from; k < from + HASH_LENGTH; k++) if (!(CHAR_CLASS[bytes[k]!]! & 1)) return false;
  for (let k = from + HASH_LENGTH + 1; k < to; k++) if (!(CHAR_CLASS[bytes[k]!]! & 2)) return false;
  return true;
}

/** The 32-character hash part of a full store path (protection of temp roots is by hash part). */
export function hashPartOf(storeDir: string, path: string): string {
  return path.slice(storeDir.length + 1, storeDir.length + 1 + HASH_LENGTH);
}

export function isDerivation(path: string): boolean {
  return path.endsWith('.drv');
}

/**
 * isInStore (§2.4): a pure textual test, no canonicalisation. The prefix is compared with
 * `slice(...) ===`, not `startsWith`: on the targets a roots scan splits out of the index that
 * is about three times faster (V8, Node 20), and every link of a scan is tested.
 */
export function isInStore(storeDir: string, s: string): boolean {
  const n = storeDir.length;
  return s.length >= n + 2 && s.charCodeAt(n) === 0x2f && s.charCodeAt(0) === 0x2f && s.slice(0, n) === storeDir;
}

/**
 * toStorePath (§2.4): cut at the first `/` after `STORE/` and parse; null when it does not parse.
 * The dirname must be the store dir exactly, so `STORE//h-n` and `STORE/../x` are rejected.
 */
export function toStorePath(storeDir: string, s: string): string | null {
  if (!isInStore(storeDir, s)) return null;
  const rest = s.slice(storeDir.length + 1);
  const slash = rest.indexOf('/');
  const base = slash === -1 ? rest : rest.slice(0, slash);
  return isValidBaseName(base) ? `${storeDir}/${base}` : null;
}

/** Lexical canonicalisation like Nix's canonPath: collapses `//`, `.` and `..`; no symlinks. */
export function canonPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

export function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** parseStorePath (§2.1): canonicalise, then the dirname must be the store dir exactly. */
export function parseStorePath(storeDir: string, text: string): string | null {
  if (!text.startsWith('/')) return null;
  const path = canonPath(text);
  return dirName(path) === storeDir && isValidBaseName(baseName(path)) ? path : null;
}
