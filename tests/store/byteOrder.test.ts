import { describe, expect, it } from 'vitest';
import { byteOrder, gather, packLatin1, rankPairs, sharePrefix, stringOrder } from '../../src/store/byteOrder.js';
import { native } from '../../src/store/native.js';
import { createRng } from '../support/prng.js';

const BY = ['native', 'node'] as const;

describe('byteOrder', () => {
  it('has the native helper here (npm ci builds it)', () => {
    expect(native()).not.toBeNull();
  });

  it.each(BY)('sorts binary strings by bytes, equal ones in index order, as a stable string sort does (%s)', (by) => {
    const rng = createRng(9);
    const alphabet = ['', 'a', 'b', '/', '-', '\x00', '\xff', 'ab', '/nix/var/nix/gcroots/hydra/', 'x'.repeat(7)];
    for (let round = 0; round < 300; round++) {
      // Some rounds share a long prefix (root links): the native sort skips it.
      const head = rng.pick(['', '', '/nix/var/nix/gcroots/hydra/']);
      const strings = Array.from({ length: rng.int(0, 60) }, () => head + Array.from({ length: rng.int(0, 6) }, () => rng.pick(alphabet)).join(''));
      const expected = strings.map((s, i) => ({ s, i })).sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.i - b.i)).map((x) => x.i);
      // In shared memory too, as another thread hands strings over.
      expect([...byteOrder(packLatin1(strings, round % 2 === 1), by)], JSON.stringify(strings)).toEqual(expected);
    }
  });

  it.each(BY)('goes on past a string that ends where four more bytes end, when longer ones share them (%s)', (by) => {
    // Regression: past the shared `/g/`, the JavaScript sort took `auto` (first in readdir order,
    // four bytes long) to mean its whole run ended there, and left `auto-2` before `auto-1`.
    const links = ['/g/auto', '/g/auto-2', '/g/auto-1', '/g/x'];
    expect(Array.from(byteOrder(packLatin1(links), by), (i) => links[i])).toEqual([...links].sort());
  });

  it.each(BY)('sorts many strings the same way, equal and near-equal ones among them (%s)', (by) => {
    // Enough for the native radix sort (from 4096); many share their first 8 bytes or are equal.
    const rng = createRng(13);
    const alphabet = ['a', 'b', '\x00', '\xff', 'abcdefgh', '0123'];
    for (const count of [4096, 20_000]) {
      const strings = Array.from({ length: count }, () => Array.from({ length: rng.int(0, 5) }, () => rng.pick(alphabet)).join(''));
      const expected = strings.map((s, i) => ({ s, i })).sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.i - b.i)).map((x) => x.i);
      expect([...byteOrder(packLatin1(strings), by)]).toEqual(expected);
    }
  });

  it.each(BY)('sorts deep runs of shared bytes, as root links per user and project share them (%s)', (by) => {
    // Runs of 4096+ strings that share 8 more bytes, then 8 more, some ending inside them and
    // some with NUL bytes there: the native sort takes each such run as a range of its own.
    const rng = createRng(14);
    const dirs = ['/var/gcroots/per-user/user-1/', '/var/gcroots/per-user/user-1/proj-1/', '/var/gcroots/per-user/user-1/proj-10/', '/var/gcroots/hydra/', '/var/gcroots/hydra/\x00\x00'];
    const alphabet = ['', 'a', '\x00', '\x00\x00\x00\x00\x00\x00\x00\x00', 'pkg-', '0123456789'];
    const strings = Array.from({ length: 30_000 }, () => rng.pick(dirs) + Array.from({ length: rng.int(0, 4) }, () => rng.pick(alphabet)).join(''));
    const expected = strings.map((s, i) => ({ s, i })).sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.i - b.i)).map((x) => x.i);
    expect([...byteOrder(packLatin1(strings), by)]).toEqual(expected);
  });

  it.each(BY)('repacks strings in a given order without a prefix, and tells whether all share one (%s)', (by) => {
    const rng = createRng(12);
    for (let round = 0; round < 200; round++) {
      const strings = Array.from({ length: rng.int(0, 30) }, () => Array.from({ length: rng.int(0, 5) }, () => rng.pick(['/n', 'ab', '\x00', '\xff', 'z'])).join(''));
      const packed = packLatin1(strings);
      const head = rng.pick(['', '/n', '/nab', 'ab']);
      expect(sharePrefix(packed, Buffer.from(head, 'latin1'), by)).toBe(strings.every((s) => s.startsWith(head)));
      const order = Int32Array.from(strings.map((_, i) => i).sort(() => rng.int(0, 2) - 1));
      const skip = Math.min(rng.int(0, 3), ...strings.map((s) => s.length));
      const { bytes, offsets } = gather(packed, order, skip, by);
      expect([...order].map((_, k) => bytes.toString('latin1', offsets[k]!, offsets[k + 1]!))).toEqual([...order].map((i) => strings[i]!.slice(skip)));
    }
  });

  it('marks each string equal to the one before it in byte order', () => {
    const rng = createRng(11);
    // Equal lengths and shared prefixes and suffixes are the common case of root links.
    const alphabet = ['a', 'b', '\x00', '\xff', '/nix/var/nix/gcroots/hydra/'];
    for (let round = 0; round < 300; round++) {
      const strings = Array.from({ length: rng.int(0, 40) }, () => Array.from({ length: rng.int(0, 4) }, () => rng.pick(alphabet)).join(''));
      const { order, same } = stringOrder(packLatin1(strings));
      expect([...same], JSON.stringify(strings)).toEqual([...order].map((i, k) => (k > 0 && strings[i] === strings[order[k - 1]!] ? 1 : 0)));
    }
  });

  it('ranks pairs by their first string, then their second', () => {
    const rng = createRng(10);
    for (let round = 0; round < 100; round++) {
      const n = rng.int(0, 40);
      const first = Array.from({ length: n }, () => rng.pick(['/a', '/a/b', '/a-b', '/b', '']));
      const second = Array.from({ length: n }, () => rng.pick(['x', 'y', 'xy', '']));
      const expected = [...Array(n).keys()].sort((a, b) => (first[a]! < first[b]! ? -1 : first[a]! > first[b]! ? 1 : second[a]! < second[b]! ? -1 : second[a]! > second[b]! ? 1 : a - b));
      const rank = rankPairs(packLatin1(first), second);
      expect(expected.map((i) => rank[i])).toEqual([...Array(n).keys()]);
    }
  });
});

describe('packLatin1 in shared memory', () => {
  it('packs the same bytes and offsets, in SharedArrayBuffers', () => {
    const rng = createRng(41);
    for (let round = 0; round < 50; round++) {
      const strings = Array.from({ length: rng.int(0, 20) }, () => Array.from({ length: rng.int(0, 5) }, () => rng.pick(['a', '/nix/', '\xe9', '\xff', '\x00'])).join(''));
      const plain = packLatin1(strings);
      const shared = packLatin1(strings, true);
      expect([shared.bytes.buffer instanceof SharedArrayBuffer, shared.offsets.buffer instanceof SharedArrayBuffer]).toEqual([true, true]);
      expect([...shared.bytes]).toEqual([...plain.bytes]);
      expect([...shared.offsets]).toEqual([...plain.offsets]);
    }
  });
});
