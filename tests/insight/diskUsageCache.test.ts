/**
 * The disk usage cache stands in for measuring the store only while the store directory and
 * `.links` are unchanged and were quiet before the measure, and only for the same valid paths:
 * after `nix-store --optimise` (which shares files through `.links`) `roots --sizes` measures
 * again and agrees with a run without any cache.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDiskCache, takeStamp, writeDiskCache } from '../../src/insight/diskUsageCache.js';
import { DiskMeter } from '../../src/insight/measureDisk.js';
import { FAST_TMP, HAVE_NIX, NixWorld, hashOf } from '../collect/nixWorld.js';

const dirs: string[] = [];
const worlds: NixWorld[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const w of worlds.splice(0)) w.dispose();
});
const pause = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('disk usage cache', () => {
  function measured(): { store: string; file: string; paths: string[]; saved: ReturnType<DiskMeter['save']> } {
    const root = mkdtempSync(join(FAST_TMP, 'storegc-disk-'));
    dirs.push(root);
    const store = join(root, 'store');
    mkdirSync(join(store, 'p1'), { recursive: true });
    writeFileSync(join(store, 'p1', 'f'), 'x'.repeat(5000));
    writeFileSync(join(store, 'p2'), 'y'.repeat(100));
    const paths = [join(store, 'p1'), join(store, 'p2')];
    const meter = new DiskMeter();
    paths.forEach((p, id) => meter.add(id, p));
    return { store, file: join(root, 'var/storegc/disk-usage.bin'), paths, saved: meter.save(paths.length) };
  }

  it('is reused only for quiet, unchanged directories and the same paths', () => {
    const { store, file, saved } = measured();
    const request = { file, realStoreDir: store, graphKey: 'k1', marginNs: 0n };
    pause(20);
    writeDiskCache(request, takeStamp(store), saved);
    const again = readDiskCache(request, takeStamp(store), 2);
    expect(again && [...again.own]).toEqual([...saved.own]);
    expect(readDiskCache({ ...request, graphKey: 'k2' }, takeStamp(store), 2)).toBeUndefined();
    expect(readDiskCache(request, takeStamp(store), 3)).toBeUndefined();
    // What optimising does: a temporary link in the store directory, renamed over a file.
    pause(20);
    writeFileSync(join(store, '.tmp-link-1'), '');
    rmSync(join(store, '.tmp-link-1'));
    expect(readDiskCache(request, takeStamp(store), 2)).toBeUndefined();
  });

  it('is not trusted when .links changed, or within the margin, or damaged', () => {
    const { store, file, saved } = measured();
    const request = { file, realStoreDir: store, graphKey: 'k1', marginNs: 0n };
    mkdirSync(join(store, '.links'));
    pause(20);
    writeDiskCache(request, takeStamp(store), saved);
    expect(readDiskCache(request, takeStamp(store), 2)).toBeDefined();
    pause(20);
    writeFileSync(join(store, '.links', 'abc'), '');
    expect(readDiskCache(request, takeStamp(store), 2)).toBeUndefined();

    // Measured within the default 3 s of the last change: a change in the same tick could hide.
    writeDiskCache({ ...request, marginNs: undefined } as typeof request, takeStamp(store), saved);
    expect(readDiskCache({ file, realStoreDir: store, graphKey: 'k1' }, takeStamp(store), 2)).toBeUndefined();

    pause(20);
    writeDiskCache(request, takeStamp(store), saved);
    const bytes = readFileSync(file);
    bytes[bytes.length - 40]! ^= 1;
    writeFileSync(file, bytes);
    expect(readDiskCache(request, takeStamp(store), 2)).toBeUndefined();
  });

  it.skipIf(!HAVE_NIX)('roots --sizes measures again after nix-store --optimise, and agrees with --no-index', () => {
    const w = new NixWorld();
    worlds.push(w);
    // Two paths with the same big file: --optimise makes it one inode held by both.
    const big = 'z'.repeat(200_000);
    const a = w.addPath(hashOf(1), 'a', [], big);
    const b = w.addPath(hashOf(2), 'b', [], big);
    mkdirSync(join(w.state, 'gcroots', 'one'), { recursive: true });
    mkdirSync(join(w.state, 'gcroots', 'two'), { recursive: true });
    symlinkSync(a, join(w.state, 'gcroots', 'one', 'ra'));
    symlinkSync(b, join(w.state, 'gcroots', 'two', 'rb'));
    type Row = { link: string; exclusiveDiskBytes: number; closureDiskBytes: number };
    const sizes = (...flags: string[]): Row[] => {
      const r = w.storegc(['roots', '--sizes', '--json', ...flags]);
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { roots: Row[] }).roots.map(({ link, exclusiveDiskBytes, closureDiskBytes }) => ({ link, exclusiveDiskBytes, closureDiskBytes })).sort((x, y) => x.link.localeCompare(y.link));
    };
    // Quiet for the margin, so that the first measure is kept and trusted.
    pause(3100);
    const first = sizes();
    const file = join(w.state, 'storegc', 'disk-usage.bin');
    const written = statSync(file).mtimeMs;
    expect(sizes()).toEqual(first);
    expect(statSync(file).mtimeMs).toBe(written); // reused, not measured and written again
    expect(first.every((r) => r.exclusiveDiskBytes >= 200_000)).toBe(true);

    const opt = w.nix(['--optimise']);
    expect(opt.status, opt.stderr).toBe(0);
    const after = sizes();
    expect(after).toEqual(sizes('--no-index'));
    // The file is now shared across the two groups: neither root frees it alone.
    expect(after.every((r) => r.exclusiveDiskBytes < 200_000)).toBe(true);
  }, 60_000);
});
