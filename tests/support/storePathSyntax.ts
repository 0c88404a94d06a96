/**
 * Store path syntax of Nix 2.8 (reference §2.1), written independently of src/ so that the
 * conformance suite does not grade the product with its own rules.
 */
export const HASH_ALPHABET = '0123456789abcdfghijklmnpqrsvwxyz';
export const NAME_CHARS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-._?=';
export const HASH_LEN = 32;
export const MAX_NAME_LEN = 211;

/** Does a store-dir entry name parse as a store path basename (b[32] is not checked in 2.8)? */
export function parsesAsStoreBase(base: string): boolean {
  if (base.length < HASH_LEN + 1) return false;
  for (let i = 0; i < HASH_LEN; i++) if (!HASH_ALPHABET.includes(base.charAt(i))) return false;
  const name = base.slice(HASH_LEN + 1);
  if (name.length === 0 || name.length > MAX_NAME_LEN) return false;
  for (const c of name) if (!NAME_CHARS.includes(c)) return false;
  return true;
}

export function hashPartOf(base: string): string {
  return base.slice(0, HASH_LEN);
}

export function nameOf(base: string): string {
  return base.slice(HASH_LEN + 1);
}
