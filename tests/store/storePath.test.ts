import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonPath, checkBaseName, isInStore, isValidBaseName, parseStorePath, toStorePath } from '../../src/store/storePath.js';

const S = '/s/store';
const H = '0123456789abcdfghijklmnpqrsvwxyz';

describe('checkBaseName (reference §2.1)', () => {
  it('accepts every allowed name character and the 211-character limit', () => {
    expect(checkBaseName(`${H}-azAZ09+-._?=`)).toEqual({ ok: true });
    expect(checkBaseName(`${H}-${'x'.repeat(211)}`)).toEqual({ ok: true });
    expect(checkBaseName(`${H}-${'x'.repeat(212)}`).ok).toBe(false);
  });
  it('does not check the separator and allows leading dots (2.8)', () => {
    expect(checkBaseName(`${H}_foo`).ok).toBe(true);
    expect(checkBaseName(`${H}-.`).ok).toBe(true);
    expect(checkBaseName(`${H}-..`).ok).toBe(true);
  });
  it('rejects short names, bad hash characters, empty names and illegal characters', () => {
    expect(checkBaseName('junk')).toEqual({ ok: false, reason: 'is too short to be a valid store path' });
    expect(checkBaseName(`${H.replace('z', 'e')}-a`).ok).toBe(false);
    expect(checkBaseName(`${H}-`)).toEqual({ ok: false, reason: 'has an empty name' });
    expect(checkBaseName(`${H}-a b`).ok).toBe(false);
    expect(checkBaseName(`${H}-a\xff`).ok).toBe(false);
  });
});

describe('isInStore / toStorePath (reference §2.4)', () => {
  it('cuts at the first slash after the store dir', () => {
    expect(toStorePath(S, `${S}/${H}-b/bin/x`)).toBe(`${S}/${H}-b`);
    expect(toStorePath(S, `${S}/${H}-b/`)).toBe(`${S}/${H}-b`);
  });
  it('does not canonicalise first', () => {
    expect(toStorePath(S, `${S}//${H}-b`)).toBeNull();
    expect(toStorePath(S, `${S}/../x`)).toBeNull();
    expect(toStorePath(S, `${S}/.links`)).toBeNull();
  });
  it('is a textual test', () => {
    expect(isInStore(S, `${S}/x`)).toBe(true);
    expect(isInStore(S, `${S}x/y`)).toBe(false);
    expect(isInStore(S, `${S}/`)).toBe(false);
    expect(isInStore(S, 'store/x')).toBe(false);
  });
  it('is exactly Nix\'s test: at least one character after `STORE/`, the path absolute', () => {
    const nix = (storeDir: string, s: string): boolean => s.length >= storeDir.length + 2 && s.startsWith(storeDir) && s[storeDir.length] === '/' && s[0] === '/';
    const text = fc.string({ maxLength: 8, unit: fc.constantFrom('/', 'n', 'i', 'x', 's', '\xe9', '.') });
    fc.assert(fc.property(fc.constantFrom('/nix/store', '', '/', 'nix/store', '/nix/store/'), text, fc.boolean(), (storeDir, rest, prefixed) => {
      const s = prefixed ? storeDir + rest : rest;
      expect(isInStore(storeDir, s)).toBe(nix(storeDir, s));
    }), { numRuns: 3000 });
  });
});

describe('parseStorePath and canonPath', () => {
  it('canonicalises before checking the directory', () => {
    expect(canonPath('/a//b/./c/../d/')).toBe('/a/b/d');
    expect(parseStorePath(S, `${S}//${H}-b`)).toBe(`${S}/${H}-b`);
    expect(parseStorePath(S, `${S}/${H}-b/c`)).toBeNull();
    expect(parseStorePath(S, 'garbage')).toBeNull();
  });
});

describe('isValidBaseName', () => {
  it('agrees with checkBaseName on every string, near the lengths and alphabets that matter', () => {
    const hashChar = fc.constantFrom(...'0123456789abcdfghijklmnpqrsvwxyzeotuAZ-'.split(''));
    const nameChar = fc.constantFrom(...'aZ09+-._?=/ \u00e9\u0100\u4e00'.split(''));
    const base = fc.tuple(
      fc.array(hashChar, { minLength: 30, maxLength: 34 }).map((cs) => cs.join('')),
      fc.constantFrom('-', 'x', ''),
      fc.oneof(fc.array(nameChar, { maxLength: 12 }).map((cs) => cs.join('')), fc.integer({ min: 209, max: 213 }).map((n) => 'x'.repeat(n))),
    ).map(([h, sep, name]) => `${h}${sep}${name}`);
    fc.assert(fc.property(fc.oneof(base, fc.string()), (s) => {
      expect(isValidBaseName(s)).toBe(checkBaseName(s).ok);
    }), { numRuns: 3000 });
  });
});
