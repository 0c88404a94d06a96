/**
 * The roots index's storage: a changed directory costs delta rows, not a rewrite of its listing;
 * the delta is folded into a new base once it grows; damaged delta rows and old formats are
 * never trusted.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NamePacker } from '../../../src/roots/index/listing.js';
import type { CachedDir, Listing } from '../../../src/roots/index/listing.js';
import { IndexDamaged, INDEX_VERSION, RootsIndex } from '../../../src/roots/index/rootsIndex.js';
import type { ScanSummary } from '../../../src/roots/index/rootsIndex.js';
import { removeTree } from '../../support/fsTree.js';

const STATE = '/nix/var/nix';
const DIR = `${STATE}/gcroots/hydra`;
let scratch: string | undefined;
afterEach(() => {
  if (scratch !== undefined) removeTree(scratch);
  scratch = undefined;
});

function indexFile(): string {
  scratch = mkdtempSync('/dev/shm/storegc-rootsindex-');
  return join(scratch, 'index.sqlite');
}

const summary = (startedNs: bigint): ScanSummary => ({ startedNs, finishedMs: 0, dirs: 1, reused: 0, read: 1, entries: 0, outside: 0 });

/**
 * Saves `listing` of DIR as read by the scan started at `at` (mtime just before); with `packed`,
 * its file names as `index update` reads them: packed one by one, not as strings.
 */
function saveRead(file: string, listing: Listing, at: bigint, share?: number, packed = false): void {
  const packer = new NamePacker();
  if (packed) for (const name of listing.files) packer.add(name);
  const as = packed ? { listing: { ...listing, files: [] }, packedFiles: packer.done() } : { listing };
  const cached: CachedDir = { identity: { dev: 1n, ino: 2n, mtimeNs: at - 10n, ctimeNs: at - 10n }, readAtNs: at, ...as, entries: listing.files.length + listing.links.length };
  const index = RootsIndex.open(file, STATE);
  try {
    index.save(new Map([[DIR, cached]]), [], summary(at), share);
  } finally {
    index.close();
  }
}

function lookup(file: string, withFiles = true): CachedDir | undefined {
  const index = RootsIndex.open(file, STATE);
  try {
    return index.lookup(DIR, { withFiles });
  } finally {
    index.close();
  }
}

function rows(file: string): { files: Buffer; delta: { name: string; kind: string }[] } {
  const db = new Database(file, { readonly: true });
  try {
    const key = Buffer.from(DIR);
    const files = db.prepare('select names from files where path = ?').pluck().get(key) as Buffer;
    const delta = (db.prepare('select name, kind from delta where path = ? order by name').all(key) as { name: Buffer; kind: string }[])
      .map((r) => ({ name: r.name.toString('latin1'), kind: r.kind }));
    return { files, delta };
  } finally {
    db.close();
  }
}

const sorted = (l: Listing): Listing => ({ files: [...l.files].sort(), links: [...l.links].sort((a, b) => (a.name < b.name ? -1 : 1)), dirs: [...l.dirs].sort() });

describe('the roots index stores only what changed', () => {
  const files = Array.from({ length: 20_000 }, (_, i) => `${(i * 7919).toString(36).padStart(8, '0')}-root-\xe9`);
  const base: Listing = { files, links: [{ name: 'result', target: '/nix/store/x' }], dirs: ['sub'] };

  it('a new root in a big directory is one delta row; its listing is not rewritten', () => {
    const file = indexFile();
    saveRead(file, base, 100n);
    const before = rows(file);
    expect(before.delta).toEqual([]);
    const now: Listing = { ...base, files: [...files.slice(0, 7000), 'new-root', ...files.slice(7000, 12_000), ...files.slice(12_001)] };
    saveRead(file, now, 200n);
    const after = rows(file);
    expect(after.files.equals(before.files)).toBe(true);
    expect(after.delta).toEqual([{ name: files[12_000]!, kind: '-' }, { name: 'new-root', kind: 'f' }]);
    const cached = lookup(file)!;
    expect(sorted(cached.listing)).toEqual(sorted(now));
    expect(cached.entries).toBe(20_001);
    expect(cached.readAtNs).toBe(200n);
    expect(lookup(file, false)!.listing).toEqual({ files: [], links: base.links, dirs: ['sub'] });

    // The name comes back: its delta row goes, the other stays.
    saveRead(file, { ...now, files: [...now.files, files[12_000]!] }, 300n);
    expect(rows(file).delta).toEqual([{ name: 'new-root', kind: 'f' }]);
  });

  it('file names saved packed as read (`index update`) are stored and diffed exactly as names saved as strings', () => {
    const now: Listing = { ...base, files: [...files.slice(0, 7000), 'new-root', ...files.slice(7000, 12_000), ...files.slice(12_001)] };
    const back: Listing = { ...now, files: [...now.files, files[12_000]!] };
    const folded: Listing = { ...base, files: [...files.slice(3000), 'a', 'b'] };
    const runs = [[false, false, false, false], [true, true, true, true], [false, true, false, true], [true, false, true, false]];
    const seen = runs.map((packs) => {
      const file = indexFile();
      const out: unknown[] = [];
      [base, now, back, folded].forEach((listing, i) => {
        saveRead(file, listing, 100n * BigInt(i + 1), undefined, packs[i]);
        const r = rows(file);
        const cached = lookup(file)!;
        out.push({ files: r.files.toString('latin1'), delta: r.delta, listing: sorted(cached.listing), entries: cached.entries });
        expect(sorted(cached.listing)).toEqual(sorted(listing));
      });
      removeTree(scratch!);
      scratch = undefined;
      return out;
    });
    for (const s of seen.slice(1)) expect(s).toEqual(seen[0]);
    // The packed save went through the delta (one removed, one added), not a rewrite.
    expect((seen[1]![1] as { delta: unknown }).delta).toEqual([{ name: files[12_000]!, kind: '-' }, { name: 'new-root', kind: 'f' }]);
    expect((seen[1]![2] as { delta: unknown }).delta).toEqual([{ name: 'new-root', kind: 'f' }]);
  });

  it('folds the delta into a new base once it outgrows its share', () => {
    const file = indexFile();
    saveRead(file, base, 100n);
    saveRead(file, { ...base, files: [...files, 'first'] }, 150n);
    expect(rows(file).delta).toEqual([{ name: 'first', kind: 'f' }]);
    const now: Listing = { ...base, files: [...files.slice(3000), 'a', 'b'] };
    saveRead(file, now, 200n);
    const after = rows(file);
    expect(after.delta).toEqual([]);
    expect(after.files.toString('latin1').split('\0')).toEqual(now.files);
    expect(sorted(lookup(file)!.listing)).toEqual(sorted(now));
    // A share of Infinity never folds: the same change is 3002 delta rows over the old base.
    const file2 = join(scratch!, 'never.sqlite');
    saveRead(file2, base, 100n);
    saveRead(file2, now, 200n, Infinity);
    expect(rows(file2).delta).toHaveLength(3002);
    expect(sorted(lookup(file2)!.listing)).toEqual(sorted(now));
  });

  it('a damaged delta row is never trusted', () => {
    for (const forge of [
      "insert into delta (path, name, kind, target) values (?, cast('x' as blob), 'q', null)",
      "insert into delta (path, name, kind, target) values (?, cast('x' as blob), 'l', null)",
      "insert into delta (path, name, kind, target) values (?, cast('a/b' as blob), 'f', null)",
      "insert into delta (path, name, kind, target) values (?, cast('..' as blob), 'd', null)",
      "insert into delta (path, name, kind, target) values (?, cast('x' as blob), 'f', null)",
    ]) {
      const file = indexFile();
      saveRead(file, base, 100n);
      const db = new Database(file);
      db.prepare(forge).run(Buffer.from(DIR));
      db.close();
      // The last one decodes but contradicts the entry count.
      expect(() => lookup(file), forge).toThrow(IndexDamaged);
      removeTree(scratch!);
      scratch = undefined;
    }
  });

  it('the listing of a directory that changed is not even read', () => {
    const file = indexFile();
    saveRead(file, base, 100n);
    const db = new Database(file);
    db.prepare("update files set names = cast('a/b' as blob) where path = ?").run(Buffer.from(DIR));
    db.close();
    const index = RootsIndex.open(file, STATE);
    try {
      const seen: bigint[] = [];
      expect(index.lookup(DIR, { usable: (c) => { seen.push(c.readAtNs, c.identity.mtimeNs); return false; } })).toBeUndefined();
      expect(seen).toEqual([100n, 90n]);
      expect(() => index.lookup(DIR, { usable: () => true })).toThrow(IndexDamaged);
    } finally {
      index.close();
    }
  });

  it('`index update` takes the links leaving the store from their own columns, kept for one store dir', () => {
    const store = '/nix/store';
    const links = [{ name: 'result', target: `${store}/x` }, { name: 'away', target: '/home/u/result' }, { name: 'rel', target: 'profile-2-link' }];
    const listing: Listing = { files: ['f'], links, dirs: ['sub'] };
    const file = indexFile();
    const index = RootsIndex.open(file, STATE, false, store);
    try {
      const cached: CachedDir = { identity: { dev: 1n, ino: 2n, mtimeNs: 90n, ctimeNs: 90n }, readAtNs: 100n, listing, entries: 4 };
      index.save(new Map([[DIR, cached]]), [], summary(100n));
    } finally {
      index.close();
    }
    const leavingOf = (storeDir: string): Listing | undefined => {
      const again = RootsIndex.open(file, STATE);
      try {
        return again.lookup(DIR, { withFiles: false, leaving: storeDir })?.listing;
      } finally {
        again.close();
      }
    };
    const away = { files: [], links: links.slice(1), dirs: ['sub'] };
    expect(leavingOf(store)).toEqual(away);
    // Kept for /nix/store: another store dir is answered from every link, not from them.
    expect(leavingOf('/home/u')).toEqual({ files: [], links: [links[0], links[2]], dirs: ['sub'] });

    // They are what is read: with every link made unreadable, the lookup still answers...
    const db = new Database(file);
    db.prepare("update dirs set links = cast('a/b' as blob) where path = ?").run(Buffer.from(DIR));
    db.close();
    expect(leavingOf(store)).toEqual(away);
    expect(() => leavingOf('/home/u')).toThrow(IndexDamaged);
    // ...and when they do not decode, they are not trusted either.
    const db2 = new Database(file);
    db2.prepare("update dirs set leavingTargets = cast('' as blob) where path = ?").run(Buffer.from(DIR));
    db2.close();
    expect(() => leavingOf(store)).toThrow(IndexDamaged);
  });

  it('an index opened without a store dir keeps no leaving links, and answers from every link', () => {
    const file = indexFile();
    saveRead(file, { files: [], links: [{ name: 'away', target: '/home/u/result' }], dirs: [] }, 100n);
    const index = RootsIndex.open(file, STATE);
    try {
      expect(index.lookup(DIR, { withFiles: false, leaving: '/nix/store' })!.listing.links).toEqual([{ name: 'away', target: '/home/u/result' }]);
    } finally {
      index.close();
    }
  });

  it('an index of the previous format is not read', () => {
    const file = indexFile();
    saveRead(file, base, 100n);
    const db = new Database(file);
    db.prepare("update meta set value = ? where key = 'version'").run(String(INDEX_VERSION - 1));
    db.close();
    expect(() => RootsIndex.open(file, STATE)).toThrow(`index format ${INDEX_VERSION - 1}, expected ${INDEX_VERSION}`);
  });
});
