/**
 * Paths are handled as "binary strings": one JS char per byte (latin1). Store directories,
 * gcroots link names and junk entries may hold any bytes, not only UTF-8 (reference §0), and
 * Nix sorts and prints them as raw bytes. With one char per byte, JS string comparison is
 * byte order, and no name is mangled on its way from readdir to stdout.
 */

/** A binary string from a JS (UTF-16) string such as an env var, a flag or a DB column. */
export function fromText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/** A binary string from raw bytes (readdir names, readlink targets, file contents). */
export function fromBytes(bytes: Buffer): string {
  return bytes.toString('latin1');
}

/** The argument to hand to node:fs for a binary-string path. */
export function fsPath(path: string): Buffer {
  return Buffer.from(path, 'latin1');
}

/**
 * The same, cheaper on hot paths: an ASCII path goes as the string itself (its UTF-8 is its
 * bytes), anything else as a Buffer. Pair it with `encoding: 'latin1'` for names coming back.
 */
export function fsPathFast(path: string): string | Buffer {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(path) ? path : Buffer.from(path, 'latin1');
}

/**
 * opendir options that hand back names as binary strings: latin1 makes each byte of a name one
 * char. Batches of 4096 entries: a Hydra roots dir or a store dir holds up to millions.
 */
export const BINARY_NAMES = { encoding: 'latin1', bufferSize: 4096 } as const;

/** Bytes to write to stdout for a binary string. */
export function toBytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** A readable form for messages (invalid UTF-8 shows as U+FFFD); ASCII is itself, no copy made. */
export function display(path: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(path) ? path : Buffer.from(path, 'latin1').toString('utf8');
}

/** Byte-order comparison of two binary strings (std::string operator<). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
