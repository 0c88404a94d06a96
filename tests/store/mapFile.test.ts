/**
 * The native helper (native/mapFile.c, built by `npm ci`): a file mapped copy-on-write, its bytes
 * the file's, writes into them never reaching the file, the mapping outliving its descriptor and
 * the file's name.
 */
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canMapFiles, dropMappedPages, mapFile } from '../../src/store/mapFile.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('mapFile', () => {
  it('is built and loads here (npm ci builds it with node-gyp)', () => {
    expect(canMapFiles()).toBe(true);
  });

  it('maps a file copy-on-write: its bytes, kept after close and rename, writes stay private', () => {
    const dir = mkdtempSync('/tmp/storegc-map-');
    dirs.push(dir);
    const file = join(dir, 'cache.bin');
    const bytes = Buffer.from(Array.from({ length: 3 * 4096 + 17 }, (_, i) => (i * 31) % 256));
    writeFileSync(file, bytes);
    const fd = openSync(file, 'r');
    const mapped = mapFile(fd, fstatSync(fd).size);
    closeSync(fd);
    renameSync(file, join(dir, 'moved.bin'));
    expect(mapped?.equals(bytes)).toBe(true);
    // Aligned typed arrays can be used in place (the cache's sections start at multiples of 8).
    expect(mapped!.byteOffset % 8).toBe(0);
    mapped![5] = mapped![5]! ^ 0xff;
    expect(readFileSync(join(dir, 'moved.bin')).equals(bytes)).toBe(true);
    expect(mapped![5]).toBe(bytes[5]! ^ 0xff);
  });

  it('gives back the whole pages of a mapping under a view, which read the same again; other memory is left alone', () => {
    const dir = mkdtempSync('/tmp/storegc-map-');
    dirs.push(dir);
    const file = join(dir, 'cache.bin');
    const bytes = Buffer.from(Array.from({ length: 5 * 4096 + 100 }, (_, i) => (i * 7) % 251));
    writeFileSync(file, bytes);
    const fd = openSync(file, 'r');
    const mapped = mapFile(fd, fstatSync(fd).size)!;
    closeSync(fd);
    expect(mapped.equals(bytes)).toBe(true);
    // Pages wholly under the view only: [4096, 3 * 4096) of a view from 100 to 3 * 4096 + 50.
    expect(dropMappedPages([mapped.subarray(100, 3 * 4096 + 50)])).toBe(2 * 4096);
    expect(dropMappedPages([new Float64Array(mapped.buffer, mapped.byteOffset, mapped.length >> 3)])).toBe(5 * 4096);
    expect(mapped.equals(bytes)).toBe(true);
    const plain = Buffer.from(bytes);
    expect(dropMappedPages([plain, new Uint32Array(1 << 16)])).toBe(0);
    expect(plain.equals(bytes)).toBe(true);
  });

  it('maps nothing of an empty length', () => {
    const dir = mkdtempSync('/tmp/storegc-map-');
    dirs.push(dir);
    writeFileSync(join(dir, 'empty'), '');
    const fd = openSync(join(dir, 'empty'), 'r');
    try {
      expect(mapFile(fd, 0)).toBeUndefined();
    } finally {
      closeSync(fd);
    }
  });
});
