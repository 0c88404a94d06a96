/**
 * Random names for generated stores: store-path names over the full allowed alphabet (including
 * leading dots, every allowed character and the 211-character maximum), junk entry names that
 * must not parse (reference §2.1, §2.3), and link names for roots.
 */
import type { Rng } from './prng.js';
import { HASH_ALPHABET, HASH_LEN, MAX_NAME_LEN, NAME_CHARS } from './storePathSyntax.js';

const WORDS = ['hello', 'glibc', 'bash', 'coreutils', 'python3', 'openssl', 'zlib', 'perl', 'gcc', 'env', 'src', 'patch'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A store-path name; never ends in `.drv`, `.lock`, `.chroot` or `.check`. */
export function storeName(rng: Rng): string {
  const roll = rng.next();
  let name: string;
  if (roll < 0.05) name = randomChars(rng, MAX_NAME_LEN, LETTERS.charAt(rng.int(0, 51)));
  else if (roll < 0.1) name = rng.shuffle([...NAME_CHARS]).join('');
  else if (roll < 0.15) name = rng.pick(['.', '..', '.hidden', '..x', '.-1.0', '?=+']);
  else if (roll < 0.35) name = randomChars(rng, rng.int(1, 12), '');
  else name = `${rng.pick(WORDS)}-${rng.int(0, 9)}.${rng.int(0, 30)}`;
  return /\.(drv|lock|chroot|check)$/.test(name) ? `${name}_` : name;
}

/** `length` characters from the allowed name alphabet, starting with `first` if given. */
function randomChars(rng: Rng, length: number, first: string): string {
  let s = first;
  while (s.length < length) s += NAME_CHARS.charAt(rng.int(0, NAME_CHARS.length - 1));
  return s;
}

/** A hash-like string of allowed base-32 characters (used for `auto/` link names, pids...). */
export function base32(rng: Rng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += HASH_ALPHABET.charAt(rng.int(0, HASH_ALPHABET.length - 1));
  return s;
}

/** Names that do not parse as store paths, each a different reason (`hash` is a fresh hash part). */
export function junkNames(rng: Rng, hash: () => string): string[] {
  const all = [
    'junk',
    'trash',
    'add-1234-0',
    `${hash()}-`,
    'abc',
    hash().slice(0, HASH_LEN - 1),
    `${hash()}-bad name`,
    `${hash()}-bang!`,
    `${hash().slice(0, 31)}e-upper-e`,
    `${hash().toUpperCase()}-upper`,
    `${hash()}-${'x'.repeat(MAX_NAME_LEN + 1)}`,
    '.hidden-junk',
    `${hash()}-caf\u00e9`,
  ];
  return rng.sample(all, rng.int(0, 4));
}

/** A root link name; sometimes hidden or non-ASCII (to exercise byte-order sorting). */
export function linkName(rng: Rng): string {
  const roll = rng.next();
  if (roll < 0.08) return `.${rng.pick(WORDS)}`;
  if (roll < 0.16) return rng.pick(['\u00e9t\u00e9', '\u{e000}x', '\u{1f600}', 'Z', '{brace}', '~tilde']);
  return `${rng.pick(WORDS)}${rng.int(0, 99)}`;
}
