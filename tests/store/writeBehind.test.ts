/**
 * Work on the native helper's threads (native/threadJobs.c): CRC-32s as zlib computes them, and
 * a file written whole on a thread (writeBehind.ts) byte for byte as it is written on the
 * calling thread, its check fields filled in; a failure found on the thread kept for the end
 * (the old file kept, the temporary removed); temporaries of dead writers removed; a write in
 * progress waited for before the file is written again.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mapFile } from '../../src/store/mapFile.js';
import { native } from '../../src/store/native.js';
import { crcFileOnThread, crcOnThread } from '../../src/store/threadJobs.js';
import { settleWrite, settleWrites, writeWhole } from '../../src/store/writeBehind.js';
import type { CheckField } from '../../src/store/writeBehind.js';
import { createRng } from '../support/prng.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();

function randomBytes(seed: number, length: number): Buffer {
  const rng = createRng(seed);
  return Buffer.from(Array.from({ length }, () => rng.int(0, 255)));
}

/** Parts with two check fields: [a, b, field over a..b, c, field over c]. */
function partsWithChecks(seed: number): { parts: Buffer[]; checks: CheckField[] } {
  const parts = [randomBytes(seed, 5000), Buffer.alloc(0), randomBytes(seed + 1, 70_001), Buffer.alloc(32, 0xaa), randomBytes(seed + 2, 3), Buffer.alloc(32, 0xbb)];
  return { parts, checks: [{ field: 3, from: 0, to: 3 }, { field: 5, from: 4, to: 5 }] };
}

/** KiB of the mappings of `file` resident in this process (/proc/self/smaps). */
function residentKib(file: string): number {
  let total = 0;
  let inFile = false;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inFile = line.endsWith(` ${file}`);
    else if (inFile && line.startsWith('Rss:')) total += Number(line.split(/\s+/)[1]);
  }
  return total;
}

describe('threads of the native helper', () => {
  it('are built here (npm ci builds the helper)', () => {
    expect(native()?.crcOnThread).toBeTypeOf('function');
    expect(native()?.writeOnThread).toBeTypeOf('function');
  });

  it('compute the CRC-32 of each piece, continued from its seed, as zlib does', () => {
    const pieces = [randomBytes(1, 10_000), Buffer.alloc(0), randomBytes(2, 1), randomBytes(3, 300_000).subarray(7)];
    const seeds = [0, 12345, 0xffffffff, crc32(Buffer.from('head'))];
    const crcs = crcOnThread(pieces, seeds)!.take();
    expect([...crcs]).toEqual(pieces.map((p, i) => (p.length === 0 ? seeds[i]! : crc32(p, seeds[i]!))));
    // Continued: the CRC of a whole equals that of its second half from the first's.
    const whole = randomBytes(4, 9999);
    const [first] = crcOnThread([whole.subarray(0, 4000)], [0])!.take();
    expect(crcOnThread([whole.subarray(4000)], [first!])!.take()[0]).toBe(crc32(whole));
  });
});

describe('a file checked on a thread', () => {
  it('gives the CRC-32 of each range, read through the thread\'s own buffer, only of the file it was asked for', () => {
    const dir = tempDir('storegc-crcfile-');
    const file = join(dir, 'cache');
    const bytes = randomBytes(40, (9 << 20) + 123);
    writeFileSync(file, bytes);
    const { dev, ino } = statSync(file, { bigint: true });
    const ranges = [{ at: 10, length: (8 << 20) + 7, seed: crc32(Buffer.from('head')) }, { at: 5, length: 0, seed: 77 }, { at: (8 << 20) + 100, length: (1 << 20) + 23, seed: 0 }];
    const crcs = crcFileOnThread(file, dev, ino, ranges)!.take();
    expect([...crcs]).toEqual(ranges.map((r) => (r.length === 0 ? r.seed : crc32(bytes.subarray(r.at, r.at + r.length), r.seed))));
    // Another file under the name by now: not this job's to check.
    expect(crcFileOnThread(file, dev, ino + 1n, ranges)).toBeUndefined();
    // A range past the end (the file shorter than it was): the join says so.
    const job = crcFileOnThread(file, dev, ino, [{ at: bytes.length - 10, length: 20, seed: 0 }])!;
    expect(() => job.take()).toThrow(expect.objectContaining({ code: 'EIO' }));
  });
});

describe('writeWhole', () => {
  it('writes the same bytes on a thread as here, check fields filled with the CRC-32 of their parts', () => {
    const dir = tempDir('storegc-behind-');
    const here = partsWithChecks(10);
    const there = partsWithChecks(10);
    writeWhole(join(dir, 'here'), here.parts, { checks: here.checks });
    writeWhole(join(dir, 'there'), there.parts, { checks: there.checks, behind: true });
    expect(settleWrite(join(dir, 'there'))).toBeUndefined();
    const written = readFileSync(join(dir, 'there'));
    expect(written.equals(readFileSync(join(dir, 'here')))).toBe(true);
    const p = here.parts;
    expect(written.readUInt32LE(5000 + 70_001)).toBe(crc32(Buffer.concat([p[0]!, p[2]!])));
    expect(written.subarray(5000 + 70_001 + 4, 5000 + 70_001 + 32).equals(Buffer.alloc(28, 0xaa))).toBe(true);
    expect(written.readUInt32LE(written.length - 32)).toBe(crc32(p[4]!));
    expect(readdirSync(dir).sort()).toEqual(['here', 'there']);
  });

  it('fills a check field that comes before its parts, or within another check\'s, as the calling thread does', () => {
    const dir = tempDir('storegc-behind-');
    const make = (): Buffer[] => [Buffer.alloc(8, 0x11), randomBytes(20, 9000), Buffer.alloc(4), randomBytes(21, 77), Buffer.alloc(4)];
    // Field 0 covers what follows it; field 4 covers everything before it, field 2 (filled) included.
    const checks: CheckField[] = [{ field: 0, from: 1, to: 4 }, { field: 2, from: 1, to: 2 }, { field: 4, from: 0, to: 4 }];
    const here = make();
    const there = make();
    writeWhole(join(dir, 'here'), here, { checks });
    writeWhole(join(dir, 'there'), there, { checks, behind: true });
    expect(settleWrite(join(dir, 'there'))).toBeUndefined();
    const written = readFileSync(join(dir, 'there'));
    expect(written.equals(readFileSync(join(dir, 'here')))).toBe(true);
    expect(written.readUInt32LE(8 + 9000)).toBe(crc32(here[1]!));
    expect(written.readUInt32LE(written.length - 4)).toBe(crc32(written.subarray(0, written.length - 4)));
  });

  it('gives back the pages of a mapped file under the parts asked, once written, and only those', () => {
    const dir = tempDir('storegc-behind-');
    const source = join(dir, 'source');
    writeFileSync(source, randomBytes(30, 1 << 20));
    const fd = openSync(source, 'r');
    const mapped = mapFile(fd, 1 << 20)!;
    closeSync(fd);
    const resident = (): number => residentKib(source);
    for (const [name, dropMapped] of [['kept', undefined], ['dropped', { from: 1, to: 2 }]] as const) {
      // Every page read: resident.
      expect(crc32(mapped)).toBe(crc32(readFileSync(source)));
      expect(resident()).toBeGreaterThanOrEqual(1000);
      writeWhole(join(dir, name), [Buffer.from('head'), mapped, Buffer.from('tail')], { behind: true, ...(dropMapped === undefined ? {} : { dropMapped }) });
      expect(settleWrite(join(dir, name))).toBeUndefined();
      expect(readFileSync(join(dir, name)).equals(Buffer.concat([Buffer.from('head'), readFileSync(source), Buffer.from('tail')]))).toBe(true);
      if (dropMapped === undefined) expect(resident()).toBeGreaterThanOrEqual(1000);
      else expect(resident()).toBeLessThan(8);
    }
    // Read again, the same bytes (from the file).
    expect(mapped.equals(readFileSync(source))).toBe(true);
  });

  it('keeps a failure found on the thread for the end: the old file kept, the temporary removed', () => {
    const dir = tempDir('storegc-behind-');
    // A directory (not empty) where the file goes: the rename at the end fails.
    const file = join(dir, 'cache');
    mkdirSync(join(file, 'inside'), { recursive: true });
    const { parts, checks } = partsWithChecks(20);
    expect(() => writeWhole(file, parts, { checks, behind: true })).not.toThrow();
    const error = settleWrite(file) as NodeJS.ErrnoException;
    expect(error.code).toMatch(/^(EISDIR|ENOTEMPTY|EEXIST)$/);
    expect(error.message).toContain('rename');
    expect(existsSync(join(file, 'inside'))).toBe(true);
    expect(readdirSync(dir)).toEqual(['cache']);
    expect(settleWrites()).toEqual([{ file, error }]);
    expect(settleWrites()).toEqual([]);
  });

  it('throws at once what stops the write before it starts, on a thread or not', () => {
    const dir = tempDir('storegc-behind-');
    writeFileSync(join(dir, 'cache'), 'old');
    mkdirSync(join(dir, `cache.tmp-${process.pid}`));
    expect(() => writeWhole(join(dir, 'cache'), [Buffer.from('new')], { behind: true })).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(readFileSync(join(dir, 'cache'), 'utf8')).toBe('old');
  });

  it('waits for a write of the same file in progress before writing it again', () => {
    const dir = tempDir('storegc-behind-');
    const file = join(dir, 'cache');
    // Big enough that the second write starts while the first is on its thread: both would
    // go through the same temporary file.
    const first = [randomBytes(30, 1 << 20), Buffer.alloc(64 << 20, 1)];
    const second = [Buffer.from('second')];
    writeWhole(file, first, { behind: true });
    writeWhole(file, second, { behind: true });
    expect(settleWrites()).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('second');
    expect(readdirSync(dir)).toEqual(['cache']);
  });

  it('removes the temporaries of writers that are gone, not those of live ones', () => {
    const dir = tempDir('storegc-behind-');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    writeFileSync(join(dir, `cache.tmp-${deadPid}`), 'left by a killed writer');
    writeFileSync(join(dir, `cache.tmp-${process.ppid}`), 'a live writer');
    writeFileSync(join(dir, 'other.tmp-1'), 'not ours');
    writeWhole(join(dir, 'cache'), [Buffer.from('x')], { behind: true });
    settleWrites();
    expect(readdirSync(dir).sort()).toEqual(['cache', `cache.tmp-${process.ppid}`, 'other.tmp-1']);
  });
});
