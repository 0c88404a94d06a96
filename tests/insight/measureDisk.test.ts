import { describe, expect, it } from 'vitest';
import { measureDisk } from '../../src/insight/measureDisk.js';
import type { DiskFs, DiskStat } from '../../src/insight/measureDisk.js';
import { StoregcError } from '../../src/errors.js';

type Node = { dir: string[] } | { ino: number; nlink: number; size: number; blocks?: number };

/** An in-memory file system: paths to nodes; directories list their children's names. */
function fakeFs(tree: Record<string, Node>, fail: Record<string, string> = {}): DiskFs {
  const stat = (path: string): DiskStat => {
    if (fail[path] !== undefined) throw Object.assign(new Error(fail[path]), { code: fail[path] });
    const node = tree[path];
    if (node === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    if ('dir' in node) return { dev: 1, ino: path.length * 1000, nlink: 2, size: 4096, blocks: 8, isDirectory: () => true };
    return { dev: 1, ino: node.ino, nlink: node.nlink, size: node.size, blocks: node.blocks, isDirectory: () => false };
  };
  return {
    lstat: (p) => stat(p.toString('latin1')),
    readdir: (p) => (tree[p.toString('latin1')] as { dir: string[] }).dir.map((n) => Buffer.from(n, 'latin1')),
  };
}

describe('measureDisk', () => {
  const tree: Record<string, Node> = {
    '/s/a': { dir: ['x', 'shared'] },
    '/s/a/x': { ino: 1, nlink: 1, size: 10, blocks: 8 },
    '/s/a/shared': { ino: 9, nlink: 3, size: 5000, blocks: 16 },
    '/s/b': { ino: 9, nlink: 3, size: 5000, blocks: 16 },
    '/s/c': { ino: 3, nlink: 1, size: 123 },
  };

  it('counts blocks where reported, sizes elsewhere, and sets apart inodes with several links', () => {
    const usage = measureDisk(['/s/a', '/s/b', undefined, '/s/c', '/s/missing'], fakeFs(tree));
    expect([...usage.own]).toEqual([8 * 512 + 8 * 512, 0, 0, 123, 0]);
    expect(usage.shared).toEqual([{ bytes: 16 * 512, holders: [0, 1] }]);
  });

  it('fails with a one-line error on anything but a missing path', () => {
    expect(() => measureDisk(['/s/a'], fakeFs(tree, { '/s/a/x': 'EACCES' }))).toThrow(StoregcError);
    expect(() => measureDisk(['/s/a'], fakeFs(tree, { '/s/a/x': 'EACCES' }))).toThrow(/cannot measure disk usage \(EACCES\)/);
  });
});
