import { describe, expect, it } from 'vitest';
import { withMoreRoots, withoutRoots } from '../../src/roots/someRoots.js';
import type { Root } from '../../src/roots/types.js';

const root = (link: string, path: string): Root => ({ link, path, kind: 'symlink' });
const roots = [root('/g/a', '/s/1'), root('/g/b', '/s/2'), root('/g/c', '/s/3'), root('/g/d', '/s/1')];

describe('some roots of a root set', () => {
  it('keeps each kept root\'s id beside it', () => {
    const kept = withoutRoots({ roots, rootIds: [10, 20, 30, 10] }, (r) => r.link === '/g/b' || r.link === '/g/d');
    expect(kept.roots.map((r) => r.link)).toEqual(['/g/a', '/g/c']);
    expect(kept.rootIds).toEqual([10, 30]);
  });

  it('gives -1 (look the path up) where the ids are not known or not one per root', () => {
    expect(withoutRoots({ roots }, (r) => r.link === '/g/a').rootIds).toEqual([-1, -1, -1]);
    expect(withoutRoots({ roots, rootIds: [10, 20] }, () => false).rootIds).toEqual([-1, -1, -1, -1]);
  });

  it('adds roots whose ids are not known after the others', () => {
    const more = withMoreRoots({ roots: roots.slice(0, 2), rootIds: [10, 20] }, [root('{policy}', '/s/9')]);
    expect(more.roots.map((r) => r.link)).toEqual(['/g/a', '/g/b', '{policy}']);
    expect(more.rootIds).toEqual([10, 20, -1]);
  });
});
