import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, symlinkSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deletePath, deletePathsMeasured } from '../../src/collect/deletePath.js';
import { native } from '../../src/store/native.js';
import { measureFreed } from '../../src/collect/measure.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tree(): { a: string; b: string; links: string } {
  dir = mkdtempSync(join(tmpdir(), 'storegc-del-'));
  const links = join(dir, '.links');
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  mkdirSync(links);
  mkdirSync(join(a, 'sub'), { recursive: true });
  mkdirSync(b);
  writeFileSync(join(a, 'sub', 'own'), 'x'.repeat(100)); // nlink 1: counted
  writeFileSync(join(links, 'shared'), 'y'.repeat(1000)); // optimised file, linked by a and b
  linkSync(join(links, 'shared'), join(a, 'shared'));
  linkSync(join(links, 'shared'), join(b, 'shared'));
  symlinkSync('/nowhere', join(a, 'link')); // counted: its size is the target length
  chmodSync(join(a, 'sub'), 0o555);
  chmodSync(a, 0o555);
  return { a, b, links };
}

describe('deletePath (reference §10.2)', () => {
  it('deletes read-only directories and counts files with link count 1 or 2', () => {
    const { a, b } = tree();
    expect(deletePath(a)).toBe(100 + '/nowhere'.length); // shared has nlink 3: not counted
    expect(existsSync(a)).toBe(false);
    expect(deletePath(b)).toBe(1000); // now nlink 2: counted
    expect(deletePath(join(dir, 'missing'))).toBe(0);
  });

  it('measures what a run would free, counting a shared file once', () => {
    const { a, b } = tree();
    expect(measureFreed([a, b])).toBe(100 + '/nowhere'.length + 1000);
    expect(measureFreed([a])).toBe(100 + '/nowhere'.length);
    expect(existsSync(a)).toBe(true);
  });
});

describe('deletePathsMeasured: a batch of store paths', () => {
  /** Plain files (one link), read-only trees of them, a hard-linked file, nothing, and a path through a file. */
  function batch(): { paths: string[]; expected: (number | 'error')[] } {
    dir = mkdtempSync(join(tmpdir(), 'storegc-del-'));
    const paths: string[] = [];
    const expected: (number | 'error')[] = [];
    for (let i = 0; i < 40; i++) {
      const file = join(dir, `file-${i}`);
      writeFileSync(file, 'z'.repeat(i));
      paths.push(file);
      expected.push(i);
    }
    for (let t = 0; t < 3; t++) {
      const top = join(dir, `tree-${t}`);
      mkdirSync(join(top, 'sub'), { recursive: true });
      for (let i = 0; i < 25; i++) writeFileSync(join(top, `f${i}`), 'w'.repeat(10));
      writeFileSync(join(top, 'sub', 'g'), 'v'.repeat(7));
      chmodSync(join(top, 'sub'), 0o555);
      chmodSync(top, 0o555);
      paths.push(top);
      expected.push(25 * 10 + 7);
    }
    writeFileSync(join(dir, 'twice'), 'h'.repeat(50));
    linkSync(join(dir, 'twice'), join(dir, 'twice-link'));
    paths.push(join(dir, 'twice'), join(dir, 'missing'), join(dir, 'file-0', 'below'));
    expected.push(50, 0, 'error');
    return { paths, expected };
  }

  for (const by of ['native', 'node'] as const) {
    it(`deletes each path and says what each freed, or its error (${by})`, () => {
      const { paths, expected } = batch();
      const outcomes = deletePathsMeasured(paths, by);
      expect(outcomes.map((o) => (o instanceof Error ? 'error' : o.bytes))).toEqual(expected);
      expect((outcomes.at(-1) as Error & { code?: string }).code).toBe('ENOTDIR');
      for (const path of paths) expect(existsSync(path)).toBe(false);
      // The hard link's other name is left, now with one link.
      expect(existsSync(join(dir, 'twice-link'))).toBe(true);
    });
  }
});

describe('unlinkEach (native/unlinkEach.c)', () => {
  it('unlinks each file on several threads and gives each errno', () => {
    dir = mkdtempSync(join(tmpdir(), 'storegc-del-'));
    const names = Array.from({ length: 100 }, (_, i) => join(dir, `u${i}`));
    for (const name of names) writeFileSync(name, 'u');
    mkdirSync(join(dir, 'adir'));
    const all = [...names, join(dir, 'gone'), join(dir, 'adir'), join(dir, 'x'.repeat(5000))];
    const offsets = new Uint32Array(all.length + 1);
    all.forEach((p, k) => (offsets[k + 1] = offsets[k]! + p.length));
    const errnos = new Int32Array(all.length).fill(-1);
    native()!.unlinkEach(Buffer.from(all.join(''), 'latin1'), offsets, 8, errnos);
    expect(Array.from(errnos.subarray(0, 100))).toEqual(names.map(() => 0));
    expect(errnos[100]).toBe(constants.errno.ENOENT);
    expect(errnos[101]).toBe(constants.errno.EISDIR);
    // A name longer than PATH_MAX is not tried: its errno is what unlink(2) would say.
    expect(errnos[102]).toBe(constants.errno.ENAMETOOLONG);
    for (const name of names) expect(existsSync(name)).toBe(false);
    expect(existsSync(join(dir, 'adir'))).toBe(true);
  });
});
