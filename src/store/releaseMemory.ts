/**
 * Memory a stage's reading left behind, given back before the next stage builds beside it: after
 * ValidPaths is read (before the path table), after the graph is built (before the roots are
 * read), and, when the database was read in full, once the snapshot is whole (before liveness).
 *
 * Reading a large store leaves two kinds of it resident. V8's heap holds the garbage of the
 * reading (JSON pages of the database, the roots' strings): at 1.3M paths some 80 MB of a 100 MB
 * heap that V8 would collect only when it next needs room. And glibc keeps what freed typed
 * arrays leave in its heaps (the ValidPaths pages, the edge buffers) until it is trimmed. Both
 * stay resident beside what the next stage builds, which is where a large run peaked
 * (`dead --no-index` at 1.3M paths: 448 MiB on average, 420 with the three releases).
 *
 * A full collection needs `gc`, which Node exposes only with --expose-gc: the flag is set now and
 * the function taken from a new context (as jest's leak detector does). Where either step does
 * not work, nothing is collected; where the native helper is absent or the C library is not
 * glibc, nothing is trimmed. Either way only memory use changes, never a result.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { native } from './native.js';

let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : null');
    collect = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/**
 * Below this many valid paths the garbage is small, and full collections (a few ms each, more in
 * a process that holds much else: tests load thousands of small graphs) are not worth it.
 */
const LARGE_STORE = 100_000;

/**
 * Where the graph came from the graph cache, the garbage is the roots' scan's and the store
 * listing's (at 1.3M paths some 80 MB, beside liveness and the output), the collection ~30 ms
 * of a 2.5 s run; at 200k paths it frees little and costs what such a run is measured by.
 */
export const LARGE_CACHED_STORE = 1_000_000;

/**
 * A full collection of V8's heap, then malloc's free memory given back to the kernel; only when
 * the store read has `paths` valid paths, at least `from`.
 */
export function releaseMemory(paths: number, from = LARGE_STORE): void {
  if (paths < from) return;
  collector()?.();
  native()?.mallocTrim?.();
}
