/**
 * `--extra-roots GLOB`: more trees scanned like gcroots/ (other users' profiles, result links).
 * Patterns are logical paths; under a chroot-style root they are matched inside it, and the
 * trees found there are the ones scanned (real paths, like gcroots/ under the root).
 *
 * A directory the glob cannot read may hide matches, that is roots: every such error is a
 * finding (fails closed), never a silent drop. fast-glob goes on past errors with
 * suppressErrors; its `fs` adapter is where they are seen. Only "does not exist" (ENOENT,
 * ENOTDIR: nothing there to match) is no failure.
 */
import { lstat, readdir, stat } from 'node:fs';
import { errnoOf } from '../errors.js';
import { display, fromText } from '../store/bytes.js';
import type { Finding } from './types.js';

export interface ExtraRoots {
  /** Matching paths (real: under the root when one is set), sorted: each is scanned as a roots tree. */
  readonly tops: string[];
  readonly findings: Finding[];
}

type Callback = (error: NodeJS.ErrnoException | null, ...results: unknown[]) => void;
type AsyncFsCall = (path: string, ...rest: unknown[]) => void;

export async function expandExtraRoots(patterns: readonly string[], root: string | undefined): Promise<ExtraRoots> {
  if (patterns.length === 0) return { tops: [], findings: [] };
  // Loaded only when there are patterns: it is a fifth of the start-up of every other run.
  const { default: fg } = await import('fast-glob');
  const base = root === undefined || root === '/' ? '' : display(root);
  const failures = new Map<string, string>();
  const watch = (call: AsyncFsCall): AsyncFsCall => (path, ...rest) => {
    const callback = rest.pop() as Callback;
    call(path, ...rest, (error: NodeJS.ErrnoException | null, ...results: unknown[]) => {
      const errno = error === null ? undefined : errnoOf(error) ?? 'error';
      if (errno !== undefined && errno !== 'ENOENT' && errno !== 'ENOTDIR') failures.set(path, errno);
      callback(error, ...results);
    });
  };
  const matches = await fg(patterns.map((p) => base + p), {
    onlyFiles: false,
    dot: true,
    absolute: true,
    followSymbolicLinks: false,
    unique: true,
    suppressErrors: true,
    fs: {
      readdir: watch(readdir as unknown as AsyncFsCall) as unknown as typeof readdir,
      lstat: watch(lstat as unknown as AsyncFsCall) as unknown as typeof lstat,
      stat: watch(stat as unknown as AsyncFsCall) as unknown as typeof stat,
    },
  });
  const findings: Finding[] = [...failures].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, errno]) => ({
    code: 'unreadable-root',
    path: fromText(path),
    message: `cannot read '${path}' while expanding --extra-roots (${errno}); roots under it are unknown`,
  }));
  return { tops: matches.map(fromText).sort(), findings };
}
