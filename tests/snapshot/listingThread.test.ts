/**
 * The store directory read on the native helper's own thread (native/listStore.c
 * listStoreOnThread via src/snapshot/listingThread.ts) gives what the plain-Node listing gives:
 * the store names in byte order, each one's readdir place, the junk names; it fails naming the
 * directory; it keeps the process running until it settles, and a process that exits while it
 * reads does so cleanly.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { listOnThread, storeDirIdentity } from '../../src/snapshot/listingThread.js';
import { listStorePacked } from '../../src/snapshot/packedListing.js';
import type { PackedListing } from '../../src/snapshot/packedListing.js';
import { native } from '../../src/store/native.js';
import { createRng } from '../support/prng.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const HASH = '0123456789abcdfghijklmnpqrsvwxyz';

/** A store directory of `count` entries named like store paths, `.links`, and junk names. */
function storeOf(count: number, junk: readonly string[]): string {
  const root = mkdtempSync('/dev/shm/storegc-listing-');
  dirs.push(root);
  const store = join(root, 'store');
  mkdirSync(store);
  mkdirSync(join(store, '.links'));
  const rng = createRng(11);
  for (let i = 0; i < count; i++) writeFileSync(join(store, `${Array.from({ length: 32 }, () => rng.pick([...HASH])).join('')}-pkg-${i}`), '');
  for (const n of junk) writeFileSync(Buffer.from(join(store, n), 'latin1'), '');
  return store;
}

function plain(listing: PackedListing): unknown {
  return { bytes: Buffer.from(listing.names.bytes), offsets: Array.from(listing.names.offsets), readdirIndex: Array.from(listing.readdirIndex), junk: listing.junk };
}

/** Runs `body` (an ES module's text) in a plain node with listingThread.js importable as `listing`. */
function inNode(body: string): ReturnType<typeof spawnSync> {
  const url = pathToFileURL(join(import.meta.dirname, '../../dist/snapshot/listingThread.js')).href;
  return spawnSync(process.execPath, ['--input-type=module', '-e', `import * as listing from ${JSON.stringify(url)};\n${body}`], { encoding: 'utf8' });
}

(native()?.listStoreOnThread === undefined ? describe.skip : describe)('the store listing on the native thread', () => {
  it('gives what the plain-Node listing gives, in arrays of its own', async () => {
    const junk = ['junk', 'x.lock', `${HASH.slice(0, 31)}e-bad-hash`, `${HASH}-bad name`, `${HASH}-caf\xe9`];
    const store = storeOf(3000, junk);
    const got = await listOnThread(store, storeDirIdentity(store)!, 0n).listing as PackedListing;
    const want = listStorePacked(store, 'node');
    expect(plain(got)).toEqual(plain(want));
    expect(got.names.offsets.length).toBe(3001);
    expect([...got.junk].sort()).toEqual([...junk].sort());
    // Each array its own memory, whole: nothing else is kept alive by it.
    for (const a of [got.names.bytes, got.names.offsets, got.readdirIndex]) expect([a.byteOffset, a.byteLength]).toEqual([0, a.buffer.byteLength]);
    expect(new Set([got.names.bytes.buffer, got.names.offsets.buffer, got.readdirIndex.buffer]).size).toBe(3);
  });

  it('lists an empty directory', async () => {
    const store = storeOf(0, []);
    const got = await listOnThread(store, storeDirIdentity(store)!, 0n).listing as PackedListing;
    expect(plain(got)).toEqual({ bytes: Buffer.alloc(0), offsets: [0], readdirIndex: [], junk: [] });
  });

  it('says the store directory is missing or not a directory, naming it', async () => {
    const store = storeOf(1, []);
    const file = join(store, '..', 'file');
    writeFileSync(file, '');
    for (const missing of [join(store, '..', 'none'), file]) {
      await expect(listOnThread(missing, storeDirIdentity(store)!, 0n).listing).rejects.toMatchObject({ code: 'store-missing', path: missing });
    }
  });

  it('keeps the process running until it settles, and lets a process exit while it reads', () => {
    const store = storeOf(20000, []);
    // Nothing else keeps this process's loop alive: without a reference of its own the listing
    // would never settle (exit code 13, an unsettled top-level await).
    const waited = inNode(`const l = await listing.listOnThread(${JSON.stringify(store)}, listing.storeDirIdentity(${JSON.stringify(store)}), 0n).listing;\nconsole.log(l.names.offsets.length - 1);`);
    expect([waited.status, String(waited.stdout).trim(), String(waited.stderr)]).toEqual([0, '20000', '']);
    const left = inNode(`listing.listOnThread(${JSON.stringify(store)}, listing.storeDirIdentity(${JSON.stringify(store)}), 0n);\nprocess.exit(3);`);
    expect([left.status, left.signal, String(left.stderr)]).toEqual([3, null, '']);
  });
});
