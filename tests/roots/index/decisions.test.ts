/**
 * Kept decisions in the roots index: offered only for the listing they were made from and the
 * same scope, dropped when the listing is read again, and damaged rows are never trusted. And
 * taken from them, a directory's findings come in the order classifying it again gives.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INVALID, NOT_ROOT, OUTSIDE, decisionScope } from '../../../src/roots/index/decisions.js';
import type { DirDecisions } from '../../../src/roots/index/decisions.js';
import type { CachedDir, Listing } from '../../../src/roots/index/listing.js';
import { IndexDamaged, RootsIndex } from '../../../src/roots/index/rootsIndex.js';
import { decideTrees } from '../../../src/roots/decideTrees.js';
import type { RootTrees } from '../../../src/roots/readRootTrees.js';
import { removeTree } from '../../support/fsTree.js';

const STATE = '/nix/var/nix';
const STORE = '/nix/store';
const DIR = `${STATE}/gcroots/hydra`;
const h = (c: string): string => c.repeat(32);
const listing: Listing = {
  files: [`${h('a')}-one`, 'not-a-root', `${h('b')}-two`],
  links: [{ name: 'in', target: `${STORE}/${h('c')}-three` }, { name: 'out', target: '/home/u/result' }, { name: 'bad', target: `${STORE}/${h('d')}-gone` }],
  dirs: [],
};
const decisions: DirDecisions = { files: Int32Array.of(0, NOT_ROOT, 1), links: Int32Array.of(2, OUTSIDE, INVALID) };
const scope = decisionScope('graph-1', STORE, 3);

let scratch: string | undefined;
afterEach(() => {
  if (scratch !== undefined) removeTree(scratch);
  scratch = undefined;
});

function withIndexFile(body: (index: RootsIndex, file: string) => void): void {
  scratch = mkdtempSync('/dev/shm/storegc-decisions-');
  const file = join(scratch, 'index.sqlite');
  const index = RootsIndex.open(file, STATE);
  try {
    body(index, file);
  } finally {
    index.close();
  }
}

const cachedAt = (at: bigint): CachedDir => ({ identity: { dev: 1n, ino: 2n, mtimeNs: 5n, ctimeNs: 5n }, readAtNs: at, listing, entries: 6 });
const summary = (startedNs: bigint) => ({ startedNs, finishedMs: 0, dirs: 1, reused: 0, read: 1, entries: 6, outside: 0 });

describe('kept decisions in the roots index', () => {
  it('come with the listing, without its files, only in their scope', () => {
    withIndexFile((index) => {
      index.save(new Map([[DIR, cachedAt(100n)]]), [], summary(100n), undefined, { scope: scope.key, byDir: new Map([[DIR, decisions]]) });
      const kept = index.lookup(DIR, { scope })!;
      expect(kept.decisions).toEqual(decisions);
      // Links a decision settles (a root's id) stand in by index, without name or target; the others come whole.
      expect(kept.listing).toEqual({ ...listing, files: [], links: listing.links.map((l, i) => (decisions.links[i]! >= 0 ? { name: '', target: '' } : l)) });
      expect(kept.listing.links.filter((l) => l.name === '')).toHaveLength(1);
      expect(kept.entries).toBe(6);
      // Asked for names (roots --sizes), every link whole, the files too.
      expect(index.lookup(DIR, { scope: { ...scope, names: true } })!.listing).toEqual(listing);
      // Another graph, another store dir, no scope: the listing with its files, no decisions.
      for (const other of [decisionScope('graph-2', STORE, 3), decisionScope('graph-1', '/gnu/store', 3), undefined]) {
        const plain = index.lookup(DIR, { scope: other })!;
        expect(plain.decisions).toBeUndefined();
        expect(plain.listing).toEqual(listing);
      }
    });
  });

  it('are dropped when the listing is read again, and not offered for another read of it', () => {
    withIndexFile((index) => {
      index.save(new Map([[DIR, cachedAt(100n)]]), [], summary(100n), undefined, { scope: scope.key, byDir: new Map([[DIR, decisions]]) });
      // Read again (by `index update`, which classifies nothing): the kept row goes.
      index.save(new Map([[DIR, cachedAt(200n)]]), [], summary(200n));
      expect(index.lookup(DIR, { scope })!.decisions).toBeUndefined();
    });
  });

  it('that do not fit their listing or are damaged throw IndexDamaged', () => {
    const cases: [string, (db: Database.Database) => void][] = [
      ['a short blob', (db) => db.prepare('update decisions set files = ?').run(Buffer.alloc(8))],
      ['a ragged blob', (db) => db.prepare('update decisions set links = ?').run(Buffer.alloc(10))],
      ['an id beyond the graph', (db) => db.prepare('update decisions set files = ?').run(Buffer.from(Int32Array.of(0, NOT_ROOT, 3).buffer))],
      ['an outside mark on a link into the store', (db) => db.prepare('update decisions set links = ?').run(Buffer.from(Int32Array.of(OUTSIDE, OUTSIDE, INVALID).buffer))],
      ['a link leaving the store decided', (db) => db.prepare('update decisions set links = ?').run(Buffer.from(Int32Array.of(2, 1, INVALID).buffer))],
      ['a file marked outside', (db) => db.prepare('update decisions set files = ?').run(Buffer.from(Int32Array.of(OUTSIDE, NOT_ROOT, 1).buffer))],
    ];
    for (const [what, damage] of cases) {
      withIndexFile((index, file) => {
        index.save(new Map([[DIR, cachedAt(100n)]]), [], summary(100n), undefined, { scope: scope.key, byDir: new Map([[DIR, decisions]]) });
        const db = new Database(file);
        damage(db);
        db.close();
        expect(() => index.lookup(DIR, { scope }), what).toThrow(IndexDamaged);
      });
      removeTree(scratch!);
      scratch = undefined;
    }
  });

  it('are cleared with the index', () => {
    withIndexFile((index, file) => {
      index.save(new Map([[DIR, cachedAt(100n)]]), [], summary(100n), undefined, { scope: scope.key, byDir: new Map([[DIR, decisions]]) });
      index.clear();
      const db = new Database(file, { readonly: true });
      expect(db.prepare('select count(*) from decisions').pluck().get()).toBe(0);
      db.close();
    });
  });
});

describe('a decided directory', () => {
  const ids = { idOf: (p: string) => [`${STORE}/${h('a')}-one`, `${STORE}/${h('b')}-two`, `${STORE}/${h('c')}-three`].indexOf(p), idOfName: (n: string) => ids.idOf(`${STORE}/${n}`), idOfNameBytes: (b: Uint8Array, from: number, to: number) => ids.idOfName(Buffer.from(b).toString('latin1', from, to)) };
  const ctx = { storeDir: STORE, isValid: (p: string) => ids.idOf(p) !== -1, ids };
  const looks = new Map([[`${DIR}/out`, [{ kind: 'link' as const, target: `${STORE}/${h('f')}-missing` }]]]);
  const scan = { listings: new Map(), reused: 1, read: 0, startNs: 0n, entries: 6, outside: [], scanMs: 0 };
  const links = listing.links.map((l) => ({ type: 'symlink' as const, path: `${DIR}/${l.name}`, target: l.target }));

  it('gives the roots and the findings, in order, that classifying it again gives', () => {
    const fresh: RootTrees = {
      entries: [...listing.files.map((n) => ({ type: 'file' as const, path: `${DIR}/${n}` })), ...links],
      looks, findings: [], scan, decided: [], spans: [{ dir: DIR, at: 0, files: 3, links: 3 }], fileSpans: [],
    };
    const decided: RootTrees = { entries: [links[1]!], looks, findings: [], scan, decided: [{ dir: DIR, at: 0, links: listing.links, decisions }], spans: [], fileSpans: [] };
    const a = decideTrees(fresh, ctx, STATE);
    const b = decideTrees(decided, ctx, STATE);
    expect(a.decisions!.get(DIR)).toEqual(decisions);
    expect([...a.rootIds, ...a.keptRootIds].sort()).toEqual([...b.keptRootIds].sort());
    expect(b.roots).toEqual([]);
    // Read now, every root found with its id is that id alone too (liveness needs nothing else):
    // the regular files' and the links' into the store.
    expect(a.roots).toEqual([]);
    expect(a.keptRootIds.length).toBeGreaterThan(0);
    // As roots (roots --sizes), every one is a root with its link, and the same ids.
    const asRoots = decideTrees(fresh, ctx, STATE, true);
    expect(asRoots.keptRootIds).toEqual([]);
    expect([...asRoots.rootIds].sort()).toEqual([...b.keptRootIds].sort());
    expect(asRoots.roots.length).toBe(a.keptRootIds.length);
    expect(new Set(asRoots.roots.map((r) => r.kind))).toEqual(new Set(['file', 'symlink']));
    expect(b.findings).toEqual(a.findings);
    // The outside link's second hop is invalid, then the link into the store at a gone path.
    expect(a.findings.map((f) => f.path)).toEqual([`/home/u/result`, `${DIR}/bad`]);
  });
});
