/**
 * The store directory matched against the path table as it is read (native/listMatched.c via
 * src/snapshot/matchedListing.ts) gives `live`, `dead` and `gc` the entries the listing of names
 * matched afterwards gives: the same id per entry in readdir order, the same unregistered and
 * junk names; and it fails, never answers wrongly, for a directory it cannot read or a table
 * whose slots name no path of it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PathTable } from '../../src/graph/pathTable.js';
import type { StoreGraph } from '../../src/graph/storeGraph.js';
import { storeDirIdentity } from '../../src/snapshot/listingThread.js';
import { listMatchedOnThread } from '../../src/snapshot/matchedListing.js';
import type { MatchedListing } from '../../src/snapshot/matchedListing.js';
import { listStorePacked } from '../../src/snapshot/packedListing.js';
import { entriesOf } from '../../src/snapshot/storeListingCache.js';
import { native } from '../../src/store/native.js';
import { createRng } from '../support/prng.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const HASH = '0123456789abcdfghijklmnpqrsvwxyz';

function matched(store: string, table: PathTable): Promise<MatchedListing> {
  const listing = listMatchedOnThread(store, storeDirIdentity(store)!, 0n, table);
  if (listing === undefined) throw new Error('no matched listing');
  return listing.listing as Promise<MatchedListing>;
}

(native()?.listStoreMatched === undefined ? describe.skip : describe)('the store listing matched as it is read', () => {
  it('gives the entries the listing of names gives, for a big directory with look-alike names', async () => {
    const root = mkdtempSync('/dev/shm/storegc-matched-');
    dirs.push(root);
    const store = join(root, 'store');
    mkdirSync(store);
    mkdirSync(join(store, '.links'));
    const rng = createRng(5);
    const hash = (): string => Array.from({ length: 32 }, () => rng.pick([...HASH])).join('');
    const valid: string[] = [];
    const onDisk: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const h = hash();
      // Most valid and on disk; some valid and gone; some on disk and not valid; and siblings
      // sharing a hash part (the same first 24 bytes: one slot's probe run).
      const name = `${h}-pkg-${i}`;
      const kind = rng.int(0, 9);
      if (kind < 7) {
        valid.push(name);
        onDisk.push(name);
      } else if (kind === 7) {
        valid.push(name);
      } else {
        onDisk.push(name);
      }
      if (rng.chance(0.1)) onDisk.push(`${name}.lock`);
      if (rng.chance(0.05)) valid.push(`${name}.drv`);
      if (rng.chance(0.05)) onDisk.push(`${name}.drv`);
    }
    const junk = ['junk', 'x.lock', `${hash().slice(0, 31)}e-bad-hash`, `${hash()}-bad name`, `${hash()}-caf\xe9`];
    for (const n of [...new Set(onDisk), ...junk]) writeFileSync(Buffer.from(join(store, n), 'latin1'), '');
    const { table } = PathTable.build(`${store}/`, [...new Set(valid)].map((n) => `${store}/${n}`));
    const graph = { storeDir: store, paths: table } as unknown as StoreGraph;

    const got = entriesOf(graph, await matched(store, table));
    const want = entriesOf(graph, listStorePacked(store));
    expect(Array.from(got.ids)).toEqual(Array.from(want.ids));
    expect(got.unregistered).toEqual(want.unregistered);
    expect(got.junk).toEqual(want.junk);
    expect(got.names).toEqual(want.names);
    // Both kinds in numbers, and more entries than one batch of lookups (256).
    expect(got.ids.filter((id) => id >= 0).length).toBeGreaterThan(3000);
    expect(got.unregistered.length).toBeGreaterThan(500);
    expect([...got.junk].sort()).toEqual([...junk].sort());
  });

  it('says the store directory is missing, naming it', async () => {
    const root = mkdtempSync('/dev/shm/storegc-matched-');
    dirs.push(root);
    const { table } = PathTable.build(`${root}/`, [`${root}/${HASH}-a`]);
    writeFileSync(join(root, 'file'), '');
    for (const missing of [join(root, 'none'), join(root, 'file')]) {
      await expect(listMatchedOnThread(missing, storeDirIdentity(root)!, 0n, table)!.listing).rejects.toMatchObject({ code: 'store-missing', path: missing });
    }
  });

  it('fails rather than match against slots that name no path of the table', async () => {
    const root = mkdtempSync('/dev/shm/storegc-matched-');
    dirs.push(root);
    const store = join(root, 'store');
    mkdirSync(store);
    writeFileSync(join(store, `${HASH}-a`), '');
    const { table } = PathTable.build(`${store}/`, [`${store}/${HASH}-a`]);
    const parts = table.parts();
    const broken = PathTable.fromParts(parts.prefix, parts.omitted, parts.bytes, parts.offsets, parts.slots.map((id) => (id === -1 ? -1 : 7)));
    await expect(matched(store, broken)).rejects.toThrow();
  });

  it('is not used for a table that keeps whole paths (the caller lists names instead)', () => {
    const root = mkdtempSync('/dev/shm/storegc-matched-');
    dirs.push(root);
    // A path outside the store directory: the table keeps every path whole.
    const { table } = PathTable.build(`${root}/store/`, [`${root}/store/${HASH}-a`, '/elsewhere/x']);
    expect(table.parts().omitted).toBe('');
    expect(listMatchedOnThread(root, storeDirIdentity(root)!, 0n, table)).toBeUndefined();
  });
});
