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

  it('refuses a store none of whose entries a non-empty database registers, however few', () => {
    expect(refused({ ...base, validPaths: [], entries: { count: 1, anyRegistered: false }, dbHasPaths: true })).toBe('store-mismatch');
    expect(refused({ ...base, validPaths: [], entries: { count: 1, anyRegistered: true }, dbHasPaths: true })).toBe('accepted');
  });

  it('lets an empty database sit beside a few unregistered entries (a first build in progress), not beside many', () => {
    expect(refused({ ...base, validPaths: [], entries: { count: EMPTY_DB_TOLERANCE - 1, anyRegistered: false }, dbHasPaths: false })).toBe('accepted');
    expect(refused({ ...base, validPaths: [], entries: { count: EMPTY_DB_TOLERANCE, anyRegistered: false }, dbHasPaths: false })).toBe('store-mismatch');
    expect(refused({ ...base, validPaths: [], entries: { count: 0, anyRegistered: false }, dbHasPaths: false })).toBe('accepted');
  });
});
