import fc from 'fast-check';
/**
 * The store listing cache stands in for readdir only while the store directory is unchanged and
 * was quiet when read, and only for the same graph; anything else reads the directory again.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PathTable } from '../../src/graph/pathTable.js';
import type { StoreGraph } from '../../src/graph/storeGraph.js';
import { entryIds } from '../../src/liveness/storeEntries.js';
import { entriesOf, matchNames, storeEntriesCached } from '../../src/snapshot/storeListingCache.js';
import { listStorePacked, nameAt } from '../../src/snapshot/packedListing.js';
import { splitStoreEntries } from '../../src/liveness/storeEntries.js';
import { listStore } from '../../src/store/listStore.js';
import { sortedOrderOfBytes } from '../../src/graph/pathOrder.js';
import { packLatin1 } from '../../src/store/byteOrder.js';
import { compareBytes as byBytes } from '../../src/store/bytes.js';
import { createRng } from '../support/prng.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const pause = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const h = (i: number): string => `${'0123456789abcdfghijklmnpqrsvwxyz'[i % 32]}`.repeat(32);

function world(): { store: string; graph: StoreGraph; file: string } {
  const root = mkdtempSync('/dev/shm/storegc-listing-');
  dirs.push(root);
  const store = join(root, 'store');
  mkdirSync(store);
  const valid = [1, 2, 3].map((i) => `${h(i)}-valid${i}`);
  for (const name of [...valid, `${h(4)}-unregistered`, 'junk.lock']) mkdirSync(join(store, name));
  const { table } = PathTable.build(`${store}/`, valid.map((n) => `${store}/${n}`));
  return { store, graph: { storeDir: store, paths: table } as unknown as StoreGraph, file: join(root, 'var/storegc/store-listing.bin') };
}

describe('store listing cache', () => {
  it('is reused only for a quiet, unchanged directory and the same graph', async () => {
    const { store, graph, file } = world();
    const request = { file, realStoreDir: store, graphKey: 'k1', marginNs: 0n };
    pause(20);
    const first = await storeEntriesCached(graph, request);
    expect(first.reused).toBe(false);
    const listed = listStore(store).filter((n) => n !== 'junk.lock');
    expect(first.entries.names).toEqual(listed);
    expect(first.entries.junk).toEqual(['junk.lock']);

    const second = await storeEntriesCached(graph, request);
    expect(second.reused).toBe(true);
    expect(second.entries.names).toEqual(listed);
    expect(second.entries.junk).toEqual(['junk.lock']);
    const intern = (name: string): number => (graph.paths.idOfName(name) !== -1 ? graph.paths.idOfName(name) : 100);
    expect(entryIds(second.entries, intern)).toEqual(listed.map(intern));

    // Another graph: read again.
    expect((await storeEntriesCached(graph, { ...request, graphKey: 'k2' })).reused).toBe(false);
    // A new entry changes the directory: read again, and it is there.
    pause(20);
    mkdirSync(join(store, `${h(5)}-new`));
    const third = await storeEntriesCached(graph, { ...request, graphKey: 'k2' });
    expect(third.reused).toBe(false);
    expect(third.entries.names).toContain(`${h(5)}-new`);
  });

  it('is not trusted while the directory has not been quiet for the margin', async () => {
    const { store, graph, file } = world();
    const request = { file, realStoreDir: store, graphKey: 'k1' };
    expect((await storeEntriesCached(graph, request)).reused).toBe(false);
    // Written within the default 3 s of the last change: a change in the same tick could hide.
    expect((await storeEntriesCached(graph, request)).reused).toBe(false);
  });

  it('reads the directory again when the cache file is damaged', async () => {
    const { store, graph, file } = world();
    const request = { file, realStoreDir: store, graphKey: 'k1', marginNs: 0n };
    pause(20);
    await storeEntriesCached(graph, request);
    const bytes = readFileSync(file);
    bytes[bytes.length - 40]! ^= 1;
    writeFileSync(file, bytes);
    const again = await storeEntriesCached(graph, request);
    expect(again.reused).toBe(false);
    expect(again.entries.names).toHaveLength(4);
  });
});

describe('matching a listing against the path table', () => {
  it('gives every store entry its id and keeps readdir order, whether the table keeps the prefix apart or not', () => {
    const names = fc.uniqueArray(fc.integer({ min: 1, max: 60 }).map((i) => `${h(i)}-p${i}`), { maxLength: 40 });
    fc.assert(fc.property(names, names, fc.boolean(), (valid, listed, outside) => {
      const store = '/nix/store';
      // A path outside the store directory makes the table store whole paths (no omitted prefix).
      const { table } = PathTable.build(`${store}/`, [...valid.map((n) => `${store}/${n}`), ...(outside ? ['/elsewhere/x'] : [])]);
      const graph = { storeDir: store, paths: table } as unknown as StoreGraph;
      const names = packLatin1(listed);
      const byteOrder = sortedOrderOfBytes(names, 0, true);
      const expected = listed.map((n) => table.idOfName(n));
      expect(Array.from(byteOrder, (i) => listed[i])).toEqual([...listed].sort(byBytes));
      expect(Array.from(matchNames(graph, names, byteOrder))).toEqual(Array.from(byteOrder, (i) => expected[i]));
      const entries = entriesOf(graph, { names, byteOrder, junk: [] });
      expect(Array.from(entries.ids)).toEqual(expected);
      expect(entries.unregistered).toEqual(listed.filter((n) => table.idOfName(n) === -1));
      expect(entries.names).toEqual(listed);
    }), { numRuns: 500 });
  });
});

describe('listStorePacked', () => {
  it.each(['native', 'node'] as const)('packs the store paths of a big directory (its buffers grown many times) as listStore and the split see them (%s)', (by) => {
    const root = mkdtempSync('/dev/shm/storegc-packed-');
    dirs.push(root);
    // Junk of every kind: too short, a bad hash char, a bad name char, bytes that are not UTF-8.
    const junkNames = ['junk', 'x.lock', `${h(1).slice(0, 31)}e-bad-hash`, `${h(2)}-bad name`, `${h(3)}-caf\xe9`, '\xff\xfe'];
    const names = [...Array.from({ length: 3000 }, (_, i) => `${h(i)}-p${i}${'x'.repeat(i % 50)}`), ...junkNames];
    for (const n of names) writeFileSync(Buffer.from(join(root, n), 'latin1'), '');
    mkdirSync(join(root, '.links'));
    const packed = listStorePacked(root, by);
    const { names: valid, junk } = splitStoreEntries(listStore(root));
    expect(junk).toEqual(packed.junk);
    expect([...junk].sort()).toEqual([...junkNames].sort());
    expect(Array.from({ length: valid.length }, (_, i) => nameAt(packed.names, i))).toEqual(valid);
    expect(Array.from(packed.byteOrder, (i) => valid[i])).toEqual([...valid].sort(byBytes));
    expect(valid).toHaveLength(3000);
  });

  it('native and plain Node take the same names for store paths, at every edge of the syntax', () => {
    // Both test each name (native/listStore.c repeats storePath.ts's rule): lengths at both ends,
    // any separator, every name char and its neighbours, bytes above 0x7f, leading dots.
    const root = mkdtempSync('/dev/shm/storegc-packed-');
    dirs.push(root);
    const rng = createRng(11);
    const chars = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-._?=,;:!@#$%^&*()[]{}~`\'"<> \t\n\x7f\x80\xe9\xff';
    const hashChars = '0123456789abcdfghijklmnpqrsvwxyzeotuABZ-_.';
    const names = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const hash = Array.from({ length: rng.pick([31, 32, 32, 32, 33]) }, () => (rng.chance(0.97) ? hashChars[rng.int(0, 31)]! : rng.pick([...hashChars.slice(32)]))).join('');
      const length = rng.pick([0, 1, 2, 10, 210, 211, 212]);
      const name = Array.from({ length }, () => (rng.chance(0.99) ? chars[rng.int(0, 63)]! : rng.pick([...chars]))).join('');
      const base = `${hash}${rng.chance(0.9) ? '-' : rng.pick(['x', '_', '.'])}${name}`;
      if (base !== '.' && base !== '..' && base !== '.links' && !base.includes('/') && base.length <= 255) names.add(base);
    }
    for (const n of names) writeFileSync(Buffer.from(join(root, n), 'latin1'), '');
    const native = listStorePacked(root, 'native');
    const node = listStorePacked(root, 'node');
    expect(native.junk).toEqual(node.junk);
    expect(Array.from(native.byteOrder)).toEqual(Array.from(node.byteOrder));
    expect(Buffer.from(native.names.bytes).equals(Buffer.from(node.names.bytes))).toBe(true);
    expect(Array.from(native.names.offsets)).toEqual(Array.from(node.names.offsets));
    // Both kinds are there in numbers.
    expect(native.junk.length).toBeGreaterThan(500);
    expect(native.names.offsets.length - 1).toBeGreaterThan(500);
  });

  it.each(['native', 'node'] as const)('says the store directory is missing, naming it (%s)', (by) => {
    const root = mkdtempSync('/dev/shm/storegc-packed-');
    dirs.push(root);
    writeFileSync(join(root, 'file'), '');
    for (const missing of [join(root, 'none'), join(root, 'file')]) {
      expect(() => listStorePacked(missing, by)).toThrow(expect.objectContaining({ code: 'store-missing', path: missing }));
    }
  });
});
