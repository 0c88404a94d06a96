import { describe, expect, it } from 'vitest';
import { StoregcError } from '../../src/errors.js';
import { EMPTY_DB_TOLERANCE, checkStoreMatch } from '../../src/store/storeMatch.js';

const base = { storeDir: '/nix/store', dbFile: '/nix/var/nix/db/db.sqlite', realStoreDir: '/nix/store' };
const refused = (input: Parameters<typeof checkStoreMatch>[0]): string => {
  try {
    checkStoreMatch(input);
  } catch (error) {
    expect(error).toBeInstanceOf(StoregcError);
    expect((error as StoregcError).exitCode).toBe(2);
    return (error as StoregcError).code;
  }
  return 'accepted';
};

describe('checkStoreMatch', () => {
  it('refuses a database with paths outside the store directory', () => {
    expect(refused({ ...base, validPaths: ['/nix/store/a-x', '/other/store/b-y'] })).toBe('store-mismatch');
    expect(refused({ ...base, validPaths: ['/nix/storeX/a-x'] })).toBe('store-mismatch');
    expect(refused({ ...base, validPaths: ['/nix/store/a-x'] })).toBe('accepted');
  });

  it('refuses a store none of whose many entries the database registers, and lets a few unregistered ones be', () => {
    expect(refused({ ...base, validPaths: [], entries: { count: EMPTY_DB_TOLERANCE, anyRegistered: false } })).toBe('store-mismatch');
    expect(refused({ ...base, validPaths: [], entries: { count: 100_000, anyRegistered: true } })).toBe('accepted');
    // A first build in progress (an output, its lock), or a small hand-made store.
    expect(refused({ ...base, validPaths: [], entries: { count: EMPTY_DB_TOLERANCE - 1, anyRegistered: false } })).toBe('accepted');
    expect(refused({ ...base, validPaths: [], entries: { count: 0, anyRegistered: false } })).toBe('accepted');
  });
});
