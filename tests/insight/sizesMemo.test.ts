/**
 * The sizes memo answers only for the very inputs it was measured from: a damaged or truncated
 * file, or another digest, is not used; and `roots --sizes` after a root changes target agrees
 * with a run without any cache.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoGraphDigest, readSizesMemo, writeSizesMemo } from '../../src/insight/sizesMemo.js';
import { FAST_TMP, HAVE_NIX, NixWorld, hashOf } from '../collect/nixWorld.js';

const dirs: string[] = [];
const worlds: NixWorld[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const w of worlds.splice(0)) w.dispose();
});

const digest = (byte: number): Buffer => Buffer.alloc(32, byte);

describe('sizes memo', () => {
  it('gives back what was kept for the same key, and nothing for another key or a damaged file', () => {
    const dir = mkdtempSync(join(FAST_TMP, 'storegc-sizes-'));
    dirs.push(dir);
    const file = join(dir, 'storegc', 'root-sizes.bin');
    const sums = { exclusiveRows: Float64Array.from([1, 2, 3, 4, 5, 6]), exclusiveGroups: Float64Array.from([7, 8, 9]), closures: Float64Array.from([10, 11, 12, 13, 14, 15, 16, 17, 18]) };
    expect(readSizesMemo(file, digest(2))).toBeUndefined();
    writeSizesMemo(file, digest(1), digest(2), sums);
    const kept = readSizesMemo(file, digest(2));
    expect(kept && [[...kept.exclusiveRows], [...kept.exclusiveGroups], [...kept.closures]]).toEqual([[...sums.exclusiveRows], [...sums.exclusiveGroups], [...sums.closures]]);
    expect(memoGraphDigest(file)?.equals(digest(1))).toBe(true);
    expect(readSizesMemo(file, digest(3))).toBeUndefined();
    const bytes = readFileSync(file);
    const damaged = Buffer.from(bytes);
    damaged[bytes.length - 40]! ^= 1;
    writeFileSync(file, damaged);
    expect(readSizesMemo(file, digest(2))).toBeUndefined();
    writeFileSync(file, bytes.subarray(0, bytes.length - 8));
    expect(readSizesMemo(file, digest(2))).toBeUndefined();
    writeFileSync(file, bytes);
    expect(readSizesMemo(file, digest(2))).toBeDefined();
  });

  it.skipIf(!HAVE_NIX)('roots --sizes reuses the sums while nothing changed, and agrees with --no-index after a root changes target', () => {
    const w = new NixWorld();
    worlds.push(w);
    const lib = w.addPath(hashOf(1), 'lib', [], 'l'.repeat(30_000));
    const app = w.addPath(hashOf(2), 'app', [lib], 'a'.repeat(20_000));
    const tool = w.addPath(hashOf(3), 'tool', [], 't'.repeat(10_000));
    mkdirSync(join(w.state, 'gcroots', 'one'), { recursive: true });
    symlinkSync(app, join(w.state, 'gcroots', 'one', 'r1'));
    symlinkSync(lib, join(w.state, 'gcroots', 'one', 'r2'));
    symlinkSync(tool, join(w.state, 'gcroots', 'r3'));
    type Row = { link: string; exclusivePaths: number; exclusiveNarSize: number; closurePaths: number; closureDiskBytes: number };
    const sizes = (...flags: string[]): { roots: Row[]; groups: unknown[] } => {
      const r = w.storegc(['roots', '--sizes', '--json', '--no-runtime-roots', ...flags]);
      expect(r.status, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as { roots: Row[]; groups: unknown[] };
      const pick = ({ link, name, exclusivePaths, exclusiveNarSize, closurePaths, closureDiskBytes }: Row & { name?: string }) => ({ link, name, exclusivePaths, exclusiveNarSize, closurePaths, closureDiskBytes });
      return { roots: json.roots.map(pick), groups: (json.groups as Row[]).map(pick) };
    };
    const first = sizes();
    const file = join(w.state, 'storegc', 'root-sizes.bin');
    const written = statSync(file).mtimeMs;
    expect(sizes()).toEqual(first);
    expect(statSync(file).mtimeMs).toBe(written); // read back, not measured and written again
    expect(first).toEqual(sizes('--no-index'));

    // Same rows, same groups, one target changed: r2 now keeps tool, and lib is r1's alone.
    rmSync(join(w.state, 'gcroots', 'one', 'r2'));
    symlinkSync(tool, join(w.state, 'gcroots', 'one', 'r2'));
    const after = sizes();
    expect(after).toEqual(sizes('--no-index'));
    expect(after).not.toEqual(first);
    expect(after.roots.find((r) => r.link.endsWith('/one/r1'))).toMatchObject({ exclusivePaths: 2 });
  }, 60_000);
});
