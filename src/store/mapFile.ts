/**
 * A file's bytes mapped into memory by storegc's native helper (native/mapFile.c; native.ts),
 * copy-on-write: reading a cache into fresh memory costs a zero-filled
 * page fault per 4 KiB (on some virtual machines ~12 us a page: 0.86 s for a 278 MB graph cache),
 * where mapping the file's pages, already in the page cache, costs a fraction of that. Where the
 * helper is not built or does not load, `mapFile` answers undefined and callers read the file.
 * A mapped file must not shrink while mapped (reading past its end faults): storegc's caches are
 * written to a temporary name and renamed, never rewritten in place.
 */
import { native } from './native.js';

/** Whether this machine maps files (the native helper is built and loads). */
export function canMapFiles(): boolean {
  return native() !== null;
}

/** The first `length` bytes of the open file `fd`, mapped copy-on-write; undefined where they cannot be. */
export function mapFile(fd: number, length: number): Buffer | undefined {
  const helper = native();
  if (helper === null || !(length > 0)) return undefined;
  try {
    return Buffer.from(helper.mapFile(fd, length));
  } catch {
    return undefined;
  }
}

/**
 * The pages of mapped files under `views` given back to the kernel (native/mapFile.c dropPages),
 * for views no longer needed: resident memory falls at once, not when the collector unmaps the
 * file. Memory that is not a mapping of mapFile's is left alone. The bytes dropped.
 */
export function dropMappedPages(views: Iterable<ArrayBufferView>): number {
  const drop = native()?.dropPages;
  if (drop === undefined) return 0;
  let dropped = 0;
  for (const view of views) dropped += drop(view);
  return dropped;
}
