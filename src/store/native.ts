/**
 * storegc's native helper (native/: `mapFile`, `linkTimes` and `unlinkEach`), built by `npm ci` with node-gyp
 * against Node's own headers. Where it is not built or does not load, `native()` answers null
 * and each caller does the same work in plain Node, more slowly.
 */
import { createRequire } from 'node:module';

export interface NativeHelper {
  /** native/mapFile.c */
  mapFile(fd: number, length: number): ArrayBuffer;
  /** native/linkTimes.c */
  linkTimes(bytes: Uint8Array, offsets: Uint32Array, from: number, to: number, out: Float64Array): void;
  /** native/unlinkEach.c */
  unlinkEach(bytes: Uint8Array, offsets: Uint32Array, threads: number, errnos: Int32Array): void;
}

let helper: NativeHelper | null | undefined;

export function native(): NativeHelper | null {
  if (helper !== undefined) return helper;
  try {
    // From src/store/ (tests), dist/store/ and dist/cli/ (the bundle) alike: the package's build/.
    const requireNative = createRequire(import.meta.url);
    helper = requireNative('../../build/Release/storegc_native.node') as NativeHelper;
  } catch {
    helper = null;
  }
  return helper;
}
