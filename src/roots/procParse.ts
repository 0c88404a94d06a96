/**
 * Pure parsing of /proc contents for runtime roots (reference §4.1). `\s` is spelled out as
 * the C locale's isspace set: JS `\s` would also match U+00A0, a byte in binary strings.
 */

const MAPS_LINE = /^[ \t\n\v\f\r]*[^ \t\n\v\f\r]+[ \t\n\v\f\r]+[^ \t\n\v\f\r]+[ \t\n\v\f\r]+[^ \t\n\v\f\r]+[ \t\n\v\f\r]+[^ \t\n\v\f\r]+[ \t\n\v\f\r]+[^ \t\n\v\f\r]+[ \t\n\v\f\r]+(\/[^ \t\n\v\f\r]+)[ \t\n\v\f\r]*$/;

/** File paths mapped by a process: one per line of /proc/N/maps that names a path. */
export function pathsInMaps(maps: string): string[] {
  const out: string[] = [];
  for (const line of maps.split('\n')) {
    const m = MAPS_LINE.exec(line);
    if (m?.[1] !== undefined) out.push(m[1]);
  }
  return out;
}

function quoteRegexChars(s: string): string {
  return s.replace(/[.^$\\*+?()[\]{}|]/g, '\\$&');
}

/** Store paths mentioned anywhere in a process environment blob (/proc/N/environ). */
export function storePathsInEnviron(environ: string, storeDir: string): string[] {
  const re = new RegExp(`${quoteRegexChars(storeDir)}/[0-9a-z]+[0-9a-zA-Z+\\-._?=]*`, 'g');
  return environ.match(re) ?? [];
}
