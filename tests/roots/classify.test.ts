import { describe, expect, it } from 'vitest';
import { classifyEntry, classifySecondHop, isAutoLink } from '../../src/roots/classify.js';

const S = '/s/store';
const A = `${S}/00000000000000000000000000000001-a`;
const ctx = { storeDir: S, isValid: (p: string) => p === A };

describe('classifyEntry (reference §3.2-3.3)', () => {
  it('takes a regular file named after a valid path as a root, ignoring others', () => {
    expect(classifyEntry({ type: 'file', path: '/v/gcroots/00000000000000000000000000000001-a' }, ctx))
      .toEqual({ kind: 'root', root: { link: '/v/gcroots/00000000000000000000000000000001-a', path: A, kind: 'file' } });
    expect(classifyEntry({ type: 'file', path: '/v/gcroots/00000000000000000000000000000002-b' }, ctx)).toEqual({ kind: 'ignore', absent: true });
    expect(classifyEntry({ type: 'file', path: '/v/gcroots/notes.txt' }, ctx)).toEqual({ kind: 'ignore' });
  });
  it('roots an absolute link into a path or its subdirectory', () => {
    expect(classifyEntry({ type: 'symlink', path: '/v/l', target: `${A}/bin/x` }, ctx))
      .toEqual({ kind: 'root', root: { link: '/v/l', path: A, kind: 'symlink' } });
  });
  it('reports a link to an invalid store path, and ignores one that does not parse', () => {
    expect(classifyEntry({ type: 'symlink', path: '/v/l', target: `${S}/00000000000000000000000000000002-b` }, ctx).kind).toBe('invalid');
    expect(classifyEntry({ type: 'symlink', path: '/v/l', target: `${S}/.links/abc` }, ctx).kind).toBe('ignore');
  });
  it('sends relative and outside targets to the second hop, canonicalised', () => {
    expect(classifyEntry({ type: 'symlink', path: '/v/gcroots/auto/x', target: '../../s/store/00000000000000000000000000000001-a' }, ctx))
      .toEqual({ kind: 'outside', link: '/v/gcroots/auto/x', target: '/v/s/store/00000000000000000000000000000001-a' });
    expect(classifyEntry({ type: 'symlink', path: '/v/l', target: '/home//u/./result' }, ctx))
      .toEqual({ kind: 'outside', link: '/v/l', target: '/home/u/result' });
  });
});

describe('classifySecondHop', () => {
  it('labels an indirect root with the outside link, and follows exactly one level', () => {
    expect(classifySecondHop('/home/u/result', A, ctx)).toEqual({ kind: 'root', root: { link: '/home/u/result', path: A, kind: 'indirect' } });
    expect(classifySecondHop('/home/u/result', '/home/u/other', ctx)).toEqual({ kind: 'ignore' });
    expect(classifySecondHop('/home/u/result', 'relative', ctx)).toEqual({ kind: 'ignore' });
  });
  it('treats only links strictly inside gcroots/auto as stale candidates', () => {
    expect(isAutoLink('/v', '/v/gcroots/auto/x')).toBe(true);
    expect(isAutoLink('/v', '/v/gcroots/auto')).toBe(false);
    expect(isAutoLink('/v', '/v/gcroots/autox/y')).toBe(false);
  });
});
