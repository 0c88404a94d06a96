/**
 * The graph cache's rows read on another thread (src/graph/cache/rowsOnThread.ts): the bytes of
 * the section asked for and their CRC-32, and nothing from a file that is not the one the caller
 * opened (another inode under the name).
 */
import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { SectionOnThread } from '../../src/graph/cache/rowsOnThread.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a file section read on another thread', () => {
  it('hands back the bytes and their CRC-32, and nothing once another file has the name', () => {
    const dir = mkdtempSync('/dev/shm/storegc-rows-thread-');
    dirs.push(dir);
    const file = join(dir, 'cache.bin');
    const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7) % 251));
    writeFileSync(file, bytes);
    const { dev, ino } = statSync(file, { bigint: true });
    const [read] = new SectionOnThread({ path: file, dev, ino, sections: [{ at: 1000, length: 50_000 }] }).take()!;
    expect(read?.body.equals(bytes.subarray(1000, 51_000))).toBe(true);
    expect(read?.crc).toBe(crc32(bytes.subarray(1000, 51_000)));
    // Two sections, in order, the first's CRC continuing one of what precedes it.
    const head = crc32(bytes.subarray(0, 10));
    const both = new SectionOnThread({ path: file, dev, ino, sections: [{ at: 10, length: 5000, crc: head }, { at: 60_000, length: 0 }, { at: 70_000, length: 30_000 }] }).take()!;
    expect(both.map((b) => b.body.length)).toEqual([5000, 0, 30_000]);
    expect(both[0]!.crc).toBe(crc32(bytes.subarray(0, 5010)));
    expect(both[1]!.crc).toBe(0);
    expect(both[2]!.body.equals(bytes.subarray(70_000))).toBe(true);
    expect(both[2]!.crc).toBe(crc32(bytes.subarray(70_000)));
    // Checks only (the caller has the file mapped): the same CRCs, read 4 KiB at a time, no bytes.
    const checked = new SectionOnThread({ path: file, dev, ino, sections: [{ at: 10, length: 5000, crc: head }, { at: 60_000, length: 0 }, { at: 70_000, length: 30_000 }], checkOnly: true, chunkBytes: 4096 }).take()!;
    expect(checked.map((b) => b.crc)).toEqual(both.map((b) => b.crc));
    expect(checked.map((b) => b.body.length)).toEqual([0, 0, 0]);
    // Replaced by rename: same name, other inode.
    writeFileSync(join(dir, 'new.bin'), bytes);
    renameSync(join(dir, 'new.bin'), file);
    expect(new SectionOnThread({ path: file, dev, ino, sections: [{ at: 1000, length: 50_000 }] }).take()).toBeUndefined();
    // Shorter than the section: nothing either.
    const now = statSync(file, { bigint: true });
    expect(new SectionOnThread({ path: file, dev: now.dev, ino: now.ino, sections: [{ at: 1000, length: 10 }, { at: 90_000, length: 50_000 }] }).take()).toBeUndefined();
  });
});
