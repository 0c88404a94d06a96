/**
 * detachedRows: refreshed rows that kept a column of the rows read from the cache file get a
 * copy of it, so that the file's buffer (most of the file) is garbage once the refresh is done.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/graph/cache/cacheFile.js';
import { detachedRows } from '../../src/graph/cache/cachedRows.js';
import type { CachedRows } from '../../src/graph/cache/cachedRows.js';
import { TextColumn } from '../../src/graph/cache/textColumn.js';

const identity = { stateDir: '/nix/var/nix', dbDev: 1, dbIno: 2 };

function rowsOf(paths: string[]): CachedRows {
  const n = paths.length;
  return {
    sequence: n,
    vpId: Float64Array.from(paths, (_, i) => i + 1),
    vpPath: TextColumn.of(paths),
    vpDeriver: TextColumn.of(paths.map(() => null)),
    vpNarSize: new Float64Array(n).fill(8),
    vpRegTime: new Float64Array(n).fill(1),
    refRowid: Uint32Array.of(1, 2),
    refReferrer: Uint32Array.of(2, 3),
    refReference: Uint32Array.of(1, 1),
    doRowid: Float64Array.of(1),
    doDrv: Float64Array.of(3),
    doName: TextColumn.of(['out']),
    doPath: TextColumn.of([paths[0]!]),
  };
}

const columns = ['vpId', 'vpPath', 'vpDeriver', 'vpNarSize', 'vpRegTime', 'refRowid', 'refReferrer', 'refReference', 'doRowid', 'doDrv', 'doName', 'doPath'] as const;

describe('detachedRows', () => {
  // Enough paths for a file and columns over 4 KiB: smaller buffers share Node's pool.
  const paths = Array.from({ length: 200 }, (_, i) => `/nix/store/${String(i).padStart(32, 'a')}-p${i}${i === 2 ? '.drv' : ''}`);
  const read = decode(encode(identity, rowsOf(paths))).rows;
  // As a refresh that registered a path: ValidPaths columns new, Refs and DerivationOutputs kept.
  const refreshed: CachedRows = { ...rowsOf([...paths, '/nix/store/dddd-d']), refRowid: read.refRowid, refReferrer: read.refReferrer, refReference: read.refReference, doRowid: read.doRowid, doDrv: read.doDrv, doName: read.doName, doPath: read.doPath };

  it('shares no memory with the rows read from the file, and has the same rows', () => {
    const fileBuffers = new Set(columns.map((name) => read[name].buffer));
    expect(columns.filter((name) => fileBuffers.has(refreshed[name].buffer))).not.toEqual([]);
    const detached = detachedRows(refreshed, read);
    expect(columns.filter((name) => fileBuffers.has(detached[name].buffer))).toEqual([]);
    for (const name of columns) {
      const [a, b] = [detached[name], refreshed[name]];
      if (a instanceof TextColumn || b instanceof TextColumn) expect((a as TextColumn).values()).toEqual((b as TextColumn).values());
      else expect(Array.from(a)).toEqual(Array.from(b));
    }
    expect(detached.sequence).toBe(refreshed.sequence);
  });

  it('leaves columns of their own as they are', () => {
    const detached = detachedRows(refreshed, read);
    expect(detached.vpPath).toBe(refreshed.vpPath);
    expect(detached.vpId).toBe(refreshed.vpId);
  });
});
