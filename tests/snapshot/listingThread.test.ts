/**
 * The store directory read on the native helper's own thread (native/listStore.c
 * listStoreOnThread via src/snapshot/listingThread.ts) gives what the plain-Node listing gives:
 * the store names in byte order, each one's readdir place, the junk names; it fails naming the
 * directory; it keeps the process running until it settles, and a process that exits while it
 * reads does so cleanly. Matched against the graph as soon as it arrives, its arrays are let go
 * at once and the entries are those of the plain listing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PathTable } from '../../src/graph/pathTable.js';
import type { StoreGraph } from '../../src/graph/storeGraph.js';
import { listOnThread, storeDirIdentity } from '../../src/snapshot/listingThread.js';
import type { MatchedListing } from '../../src/snapshot/matchedListing.js';
import { listStorePacked } from '../../src/snapshot/packedListing.js';
import type { PackedListing } from '../../src/snapshot/packedListing.js';
import { entriesOf, matchedOnArrival, matchListing } from '../../src/snapshot/storeListingCache.js';
import { native } from '../../src/store/native.js';
import { createRng } from '../support/prng.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const HASH = '0123456789abcdfghijklmnpqrsvwxyz';

/** A store directory of `count` entries named like store paths, `.links`, and junk names. */
function storeOf(count: number, junk: readonly string[]): string {
  return storeWith(count, junk).store;
}

/** The same, with a graph over some of its entries and some paths not on disk. */
function storeWith(count: number, junk: readonly string[]): { store: string; graph: StoreGraph } {
  const root = mkdtempSync('/dev/shm/storegc-listing-');
  dirs.push(root);
  const store = join(root, 'store');
  mkdirSync(store);
  mkdirSync(join(store, '.links'));
  const rng = createRng(11);
  const valid: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${Array.from({ length: 32 }, () => rng.pick([...HASH])).join('')}-pkg-${i}`;
    if (i % 3 !== 0) writeFileSync(join(store, name), '');
    if (i % 5 !== 0) valid.push(`${store}/${name}`);
  }
  for (const n of junk) writeFileSync(Buffer.from(join(store, n), 'latin1'), '');
  const { table } = PathTable.build(`${store}/`, valid);
  return { store, graph: { storeDir: store, paths: table } as unknown as StoreGraph };
}

function plain(listing: PackedListing): unknown {
  return { bytes: Buffer.from(listing.names.bytes), offsets: Array.from(listing.names.offsets), byteOrder: Array.from(listing.byteOrder), junk: listing.junk };
}

/** Runs `body` (an ES module's text, from a file: a worker would inherit `--input-type`) in a plain node with listingThread.js imported as `listing`. */
function inNode(body: string): ReturnType<typeof spawnSync> {
  const url = pathToFileURL(join(import.meta.dirname, '../../dist/snapshot/listingThread.js')).href;
  const dir = mkdtempSync('/dev/shm/storegc-listing-script-');
  dirs.push(dir);
  const script = join(dir, 'run.mjs');
  writeFileSync(script, `import * as listing from ${JSON.stringify(url)};\n${body}\n`);
  return spawnSync(process.execPath, [script], { encoding: 'utf8' });
}

(native()?.listStoreOnThread === undefined ? describe.skip : describe)('the store listing on the native thread', () => {
  it('gives what the plain-Node listing gives, in arrays of its own', async () => {
    const junk = ['junk', 'x.lock', `${HASH.slice(0, 31)}e-bad-hash`, `${HASH}-bad name`, `${HASH}-caf\xe9`];
    const store = storeOf(3000, junk);
    const got = await listOnThread(store, storeDirIdentity(store)!, 0n).listing as PackedListing;
    const want = listStorePacked(store, 'node');
    expect(plain(got)).toEqual(plain(want));
    expect(got.names.offsets.length).toBe(2001);
    expect([...got.junk].sort()).toEqual([...junk].sort());
    // Each array its own memory, whole: nothing else is kept alive by it.
    for (const a of [got.names.bytes, got.names.offsets, got.byteOrder]) expect([a.byteOffset, a.byteLength]).toEqual([0, a.buffer.byteLength]);
    expect(new Set([got.names.bytes.buffer, got.names.offsets.buffer, got.byteOrder.buffer]).size).toBe(3);
  });

  it('lists an empty directory', async () => {
    const store = storeOf(0, []);
    const got = await listOnThread(store, storeDirIdentity(store)!, 0n).listing as PackedListing;
    expect(plain(got)).toEqual({ bytes: Buffer.alloc(0), offsets: [0], byteOrder: [], junk: [] });
  });

  it('says the store directory is missing or not a directory, naming it', async () => {
    const store = storeOf(1, []);
    const file = join(store, '..', 'file');
    writeFileSync(file, '');
    for (const missing of [join(store, '..', 'none'), file]) {
      await expect(listOnThread(missing, storeDirIdentity(store)!, 0n).listing).rejects.toMatchObject({ code: 'store-missing', path: missing });
    }
  });

  it('says a store directory path too long for the system cannot be read, naming it, when the listing is taken', async () => {
    const long = `/${'x'.repeat(5000)}/store`;
    const early = listOnThread(long, { dev: 0n, ino: 0n, mtimeNs: 0n, ctimeNs: 0n }, 0n);
    await expect(early.listing).rejects.toMatchObject({ code: 'io', path: long });
  });

  it('gives on a worker thread (where the helper cannot list on its own) what it gives on the native one', () => {
    const store = storeOf(3000, ['junk', `${HASH}-bad name`]);
    const listed = (how: string): unknown => {
      const run = inNode(`const l = await listing.${how}(${JSON.stringify(store)}, listing.storeDirIdentity(${JSON.stringify(store)}), 0n).listing;\nconsole.log(JSON.stringify({ bytes: Buffer.from(l.names.bytes).toString('latin1'), offsets: Array.from(l.names.offsets), byteOrder: Array.from(l.byteOrder), junk: l.junk }));`);
      expect([run.status, String(run.stderr)]).toEqual([0, '']);
      return JSON.parse(String(run.stdout));
    };
    const onWorker = listed('listOnWorker');
    expect(onWorker).toEqual(listed('listOnThread'));
    expect((onWorker as { offsets: number[] }).offsets).toHaveLength(2001);
  });

  it('keeps the process running until it settles, and lets a process exit while it reads', () => {
    const store = storeOf(30000, []);
    // Nothing else keeps this process's loop alive: without a reference of its own the listing
    // would never settle (exit code 13, an unsettled top-level await).
    const waited = inNode(`const l = await listing.listOnThread(${JSON.stringify(store)}, listing.storeDirIdentity(${JSON.stringify(store)}), 0n).listing;\nconsole.log(l.names.offsets.length - 1);`);
    expect([waited.status, String(waited.stdout).trim(), String(waited.stderr)]).toEqual([0, '20000', '']);
    const left = inNode(`listing.listOnThread(${JSON.stringify(store)}, listing.storeDirIdentity(${JSON.stringify(store)}), 0n);\nprocess.exit(3);`);
    expect([left.status, left.signal, String(left.stderr)]).toEqual([3, null, '']);
  });

  it('matched as it arrives, gives the entries of the plain listing and lets go of its arrays at once', async () => {
    const { store, graph } = storeWith(3000, ['junk']);
    const early = listOnThread(store, storeDirIdentity(store)!, 0n);
    const listed = await early.listing as PackedListing;
    const matched = await matchedOnArrival(early, graph).listing as MatchedListing;
    const want = entriesOf(graph, listStorePacked(store, 'node'));
    const got = entriesOf(graph, matched);
    expect([Array.from(got.ids), got.unregistered, got.junk, got.names]).toEqual([Array.from(want.ids), want.unregistered, want.junk, want.names]);
    // Both kinds of entry, and the names of the unregistered ones are strings of their own.
    expect(got.ids.filter((id) => id >= 0).length).toBeGreaterThan(1000);
    expect(got.unregistered.length).toBeGreaterThan(200);
    // Detached: its memory is given back now, not at the next full collection.
    expect([listed.names.bytes.byteLength, listed.names.offsets.length, listed.byteOrder.length]).toEqual([0, 0, 0]);
  });

  it('lets go only of arrays of its own: a plain listing matched is left whole', () => {
    const { store, graph } = storeWith(500, []);
    const plain = listStorePacked(store, 'node');
    const before = Buffer.from(plain.names.bytes);
    matchListing(graph, plain);
    expect(Buffer.from(plain.names.bytes)).toEqual(before);
  });
});
