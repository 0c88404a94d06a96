import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deletePath } from '../../src/collect/deletePath.js';
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
