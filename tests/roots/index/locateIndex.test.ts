/** Where the roots index goes: the state dir, else a per-user cache file keyed by the state dir. */
import { describe, expect, it } from 'vitest';
import { locateIndex, userIndexFile } from '../../../src/roots/index/locateIndex.js';

describe('locateIndex', () => {
  const state = '/nix/var/nix';

  it('uses STATE/storegc/roots-index.sqlite when it can be written', () => {
    expect(locateIndex({ kind: 'default' }, state, '/home/u/.cache', () => true)).toEqual({ file: '/nix/var/nix/storegc/roots-index.sqlite', owned: true });
  });

  it('falls back to a per-user cache file, one per state dir, when the state dir is not writable', () => {
    const place = locateIndex({ kind: 'default' }, state, '/home/u/.cache', (f) => f.startsWith('/home/'));
    expect(place.file).toMatch(/^\/home\/u\/\.cache\/storegc\/roots-index-[0-9a-f]{16}\.sqlite$/);
    expect(userIndexFile('/other/state', '/home/u/.cache')).not.toBe(place.file);
  });

  it('uses no index when nothing is writable, and obeys --index and --no-index', () => {
    expect(locateIndex({ kind: 'default' }, state, undefined, () => false).file).toBeUndefined();
    expect(locateIndex({ kind: 'none' }, state, '/c', () => true).file).toBeUndefined();
    expect(locateIndex({ kind: 'explicit', file: '/tmp/i.sqlite' }, state, '/c', () => false)).toEqual({ file: '/tmp/i.sqlite', owned: false });
  });
});
