/**
 * The roots scanner's file system (scanFs.ts) through the native helper (one call per directory,
 * one per directory's links) and in plain Node: the same scan, entry for entry and finding for
 * finding, and the same errors.
 */
import { mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterEach, describe, expect, it } from 'vitest';
import { Pace } from '../../src/roots/pace.js';
import { scanFsBy } from '../../src/roots/scanFs.js';
import { scanTrees } from '../../src/roots/scanTree.js';
import { native } from '../../src/store/native.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A roots tree: files, links in and out of the store, dangling ones, nested and big directories, odd bytes. */
function tree(): string {
  const root = mkdtempSync('/tmp/storegc-scanfs-');
  dirs.push(root);
  const top = join(root, 'gcroots');
  mkdirSync(join(top, 'per-user', 'alice'), { recursive: true });
  mkdirSync(join(top, 'big'));
  writeFileSync(join(top, '0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-file-root'), '');
  symlinkSync('/nix/store/1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b-x', join(top, 'into-store'));
  symlinkSync(join(root, 'outside'), join(top, 'auto-like'));
  symlinkSync('nowhere', join(top, 'per-user', 'alice', 'dangling'));
  symlinkSync('/nix/store/caf\xe9', Buffer.from(join(top, 'per-user', 'alice', 'caf\xe9'), 'latin1'));
  symlinkSync(join(top, 'per-user'), join(top, 'link-to-dir'));
  for (let i = 0; i < 3000; i++) {
    if (i % 3 === 0) writeFileSync(join(top, 'big', `f${i}`), '');
    else symlinkSync(`/nix/store/${String(i).padStart(32, '0')}-p${i}`, join(top, 'big', `l${i}`));
  }
  return top;
}

describe('the scanner through the native helper', () => {
  it('has the native helper here (npm ci builds it)', () => {
    expect(native()).not.toBeNull();
  });

  it('finds the same entries, in the same order, with the same findings as plain Node', async () => {
    const top = tree();
    const scan = async (by: 'native' | 'node') => scanTrees([top, join(top, 'none-such')], pLimit(4), { fs: scanFsBy(by), pace: new Pace() });
    const [a, b] = [await scan('native'), await scan('node')];
    expect(a.entries.length).toBe(3000 + 6);
    expect(a.entries).toEqual(b.entries);
    expect(a.findings).toEqual(b.findings);
    expect([a.entryCount, a.read]).toEqual([b.entryCount, b.read]);
  });

  it('hands regular files over packed, a directory at a time, the same both ways', async () => {
    const top = tree();
    const scan = async (by: 'native' | 'node') => scanTrees([top], pLimit(4), { fs: scanFsBy(by), pace: new Pace(), packedFileRoots: true });
    const [a, b] = [await scan('native'), await scan('node')];
    const spans = (r: typeof a) => r.fileSpans.map(({ dir, at, names }) => ({ dir, at, names: Array.from({ length: names.offsets.length - 1 }, (_, k) => Buffer.from(names.bytes).toString('latin1', names.offsets[k], names.offsets[k + 1])) }));
    expect(spans(a)).toEqual(spans(b));
    expect(a.entries).toEqual(b.entries);
    // Every regular file is in a span, none is an entry: 1000 in big/, one at the top.
    expect(spans(a).flatMap((s) => s.names).sort()).toEqual(['0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-file-root', ...Array.from({ length: 1000 }, (_, i) => `f${3 * i}`)].sort());
    expect(a.entries.some((e) => e.type === 'file')).toBe(false);
  });

  it('reads many links at once, each target or the error readlink gives', () => {
    const top = tree();
    const fs = scanFsBy('native');
    const names = ['into-store', 'auto-like', 'gone', '0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-file-root', `${'x'.repeat(5000)}`];
    const read = fs.readlinksNow!(top, names)!;
    const one = (name: string): string => {
      try {
        return readlinkSync(join(top, name), { encoding: 'latin1' });
      } catch (error) {
        return `error ${(error as { code: string }).code}`;
      }
    };
    expect(read.map((r) => (typeof r === 'string' ? r : `error ${(r as Error & { code: string }).code}`))).toEqual(names.map(one));
    expect(read.slice(2).map((r) => (r as Error & { code: string }).code)).toEqual(['ENOENT', 'EINVAL', 'ENAMETOOLONG']);
  });

  it('says what opendir says of a directory it cannot list', async () => {
    const top = tree();
    for (const by of ['native', 'node'] as const) {
      await expect(scanFsBy(by).list(join(top, 'none-such'), new Pace())).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(scanFsBy(by).list(join(top, '0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-file-root'), new Pace())).rejects.toMatchObject({ code: 'ENOTDIR' });
    }
  });
});
