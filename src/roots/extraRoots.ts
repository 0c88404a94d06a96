/**
 * `--extra-roots GLOB`: more trees scanned like gcroots/ (other users' profiles, result links).
 * Patterns are logical paths; under a chroot-style root they are matched inside it.
 */
import fg from 'fast-glob';
import { fromText } from '../store/bytes.js';

export async function expandExtraRoots(patterns: readonly string[], root: string | undefined): Promise<string[]> {
  if (patterns.length === 0) return [];
  const base = root === undefined || root === '/' ? '' : root;
  const matches = await fg(patterns.map((p) => base + p), {
    onlyFiles: false,
    dot: true,
    absolute: true,
    followSymbolicLinks: false,
    unique: true,
    suppressErrors: true,
  });
  return matches.map((m) => fromText(base === '' ? m : m.slice(base.length))).sort();
}
