/**
 * storegc's native helper (native/: `mapFile`, `linkTimes`, `unlinkEach`, `byteOrder`, `gather`,
 * `sharePrefix`, `listDir`, `listStore`, `listStoreOnThread`, `listStoreMatched`, `rootRows`, `rootRowsJson`, `readLinks`, `writeAll`, `mallocTrim`, `crc32`, `detach` and the
 * thread jobs), built by `npm ci` with node-gyp
 * against Node's own headers. Where it is not built or does not load, `native()` answers null
 * and each caller does the same work in plain Node, more slowly.
 */
import { createRequire } from 'node:module';

/** What native/listStore.c gives: see NativeHelper.listStore. */
export interface NativeStoreListing {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  readonly byteOrder: Int32Array;
  readonly junk: Uint8Array;
  readonly junkOffsets: Uint32Array;
}

export interface NativeHelper {
  /** native/mapFile.c */
  mapFile(fd: number, length: number): ArrayBuffer;
  /** native/mapFile.c (absent from a helper built before it): bytes of mappings under the view dropped. */
  dropPages?(view: ArrayBufferView): number;
  /** native/linkTimes.c */
  linkTimes(bytes: Uint8Array, offsets: Uint32Array, from: number, to: number, out: Float64Array): void;
  /** native/unlinkEach.c */
  unlinkEach(bytes: Uint8Array, offsets: Uint32Array, threads: number, errnos: Int32Array): void;
  /** native/byteOrder.c */
  byteOrder(bytes: Uint8Array, offsets: Uint32Array, order: Int32Array): void;
  gather(bytes: Uint8Array, offsets: Uint32Array, order: Int32Array, skip: number, outBytes: Uint8Array, outOffsets: Uint32Array): void;
  sharePrefix(bytes: Uint8Array, offsets: Uint32Array, head: Uint8Array): boolean;
  /** native/byteOrder.c (absent from a helper built before it): see src/graph/pathTable.ts idsOfSortedNames. */
  matchSorted?(ownBytes: Uint8Array, ownOffsets: Uint32Array, theirBytes: Uint8Array, theirOffsets: Uint32Array, ids: Int32Array, order?: Int32Array): void;
  /** native/listDir.c */
  listDir(path: Uint8Array, types?: boolean, links?: boolean): {
    bytes: Uint8Array; offsets: Uint32Array; types?: Uint8Array;
    targets?: Uint8Array; targetOffsets?: Uint32Array; linkErrnos?: Int32Array;
  };
  /**
   * native/listStore.c: the store paths' names in readdir order with their order by bytes, and
   * the junk names (absent from a helper built before it).
   */
  listStore?(path: Uint8Array): NativeStoreListing;
  /**
   * native/listStore.c: the same on a plain thread of its own at that nice value (absent from a
   * helper built before it); rejects with an error whose code is the errno's name.
   */
  listStoreOnThread?(path: Uint8Array, nice: number): Promise<NativeStoreListing>;
  /**
   * native/listMatched.c: the store directory's entries matched against a path table's names on
   * a thread (absent from a helper built before it).
   */
  listStoreMatched?(path: Uint8Array, tableBytes: Uint8Array, tableOffsets: Uint32Array, slots: Int32Array): Promise<{ ids: Int32Array; unregistered: Uint8Array; unregisteredOffsets: Uint32Array; junk: Uint8Array; junkOffsets: Uint32Array }>;
  /** native/rootRows.c: rows of `roots --sizes` text into a window of the output (absent from a helper built before it). */
  rootRows?(out: Uint8Array, at: number, from: number, to: number, rows: Int32Array, columns: NativeRootColumns): void;
  /** native/rootRows.c: rows of `roots --sizes --json` likewise. */
  rootRowsJson?(out: Uint8Array, at: number, from: number, to: number, rows: Int32Array, columns: NativeRootJsonColumns): void;
  /** native/readLinks.c */
  readLinks(bytes: Uint8Array, offsets: Uint32Array, errnos: Int32Array): { bytes: Uint8Array; offsets: Uint32Array };
  /** native/writeAll.c: throws an error whose code is the errno's name. */
  writeAll(fd: number, bytes: Uint8Array): void;
  /** native/renumber.c (absent from a helper built before it): see src/graph/patchGraph.ts renumber. */
  renumberCsr?(start: Uint32Array, list: Int32Array, newOf: Int32Array, oldOf: Int32Array, extraStart: Uint32Array, extraList: Int32Array, sortRows: boolean, outStart: Uint32Array, outList: Int32Array): number;
  /** native/threadJobs.c (absent from a helper built before it): see src/store/threadJobs.ts. */
  crcOnThread?(pieces: Uint8Array[], seeds: Uint32Array): NativeJob;
  crcFileOnThread?(fd: number, offsets: Float64Array, lengths: Float64Array, seeds: Uint32Array): NativeJob;
  writeOnThread?(fd: number, pieces: Uint8Array[], checks: Int32Array, temp: Uint8Array, final: Uint8Array, done?: () => void, drops?: Uint8Array): NativeJob;
  joinJob?(job: NativeJob): Uint32Array | undefined;
  /** native/mallocTrim.c (absent from a helper built before it): whether memory was given back. */
  mallocTrim?(): boolean;
  /** native/crc32.c (absent from a helper built before it): node:zlib's crc32(data, seed), folded by PCLMULQDQ where the CPU has it. */
  crc32?(data: Uint8Array, seed: number): number;
  /** native/module.c (absent from a helper built before it): the buffer detached, its memory let go now where nothing shares it. */
  detach?(buffer: ArrayBuffer): void;
}

/** A job running on a thread of the native helper's (native/threadJobs.c), until joined. */
export interface NativeJob {
  readonly __nativeJob: unique symbol;
}

/** What native/rootRows.c reads (src/report/rootRowsText.ts makes it). */
export interface NativeRootColumns {
  readonly place: Float64Array;
  readonly exclusive: Float64Array;
  readonly closure: Float64Array;
  readonly ages: Float64Array;
  readonly linkBytes: Uint8Array;
  readonly linkOffsets: Uint32Array;
  readonly pathBytes: Uint8Array;
  readonly pathOffsets: Uint32Array;
  readonly head: Uint8Array;
  readonly pathAt: Int32Array;
  readonly otherBytes: Uint8Array;
  readonly otherOffsets: Uint32Array;
  readonly otherAt: Int32Array;
  readonly kind: Uint8Array;
  readonly endBytes: Uint8Array;
  readonly endOffsets: Uint32Array;
}

/** What native/rootRows.c reads for JSON rows (src/report/rootRowsJson.ts makes it). */
export interface NativeRootJsonColumns {
  readonly place: Float64Array;
  readonly plain: Uint8Array;
  readonly first: number;
  readonly keyBytes: Uint8Array;
  readonly keyOffsets: Uint32Array;
  readonly separator: Uint8Array;
  readonly linkBytes: Uint8Array;
  readonly linkOffsets: Uint32Array;
  readonly pathBytes: Uint8Array;
  readonly pathOffsets: Uint32Array;
  readonly head: Uint8Array;
  readonly pathAt: Int32Array;
  readonly quotedBytes: Uint8Array;
  readonly quotedOffsets: Uint32Array;
  readonly linkQuoted: Int32Array;
  readonly pathQuoted: Int32Array;
  readonly kind: Uint8Array;
  readonly kindBytes: Uint8Array;
  readonly kindOffsets: Uint32Array;
  readonly group: Int32Array;
  readonly groupBytes: Uint8Array;
  readonly groupOffsets: Uint32Array;
  readonly closure: Float64Array;
  readonly exclusive: Float64Array;
  readonly ages: Float64Array;
  readonly specialKeys: Float64Array;
  readonly specialBytes: Uint8Array;
  readonly specialOffsets: Uint32Array;
}

/** Where a job is done: by the native helper (when it loads) or in plain Node. Tests ask for each. */
export type By = 'native' | 'node';

/** The helper for a job asked of `by` (undefined: the helper when it loads), or null for plain Node. */
export function helperBy(by?: By): NativeHelper | null {
  return by === 'node' ? null : native();
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
