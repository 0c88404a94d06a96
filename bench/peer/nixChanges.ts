/**
 * Changes to a store made the way Nix 2.8 makes them, through its SQLite database, so that a
 * collector's caches see exactly what they would see on a real machine:
 *
 *  - registering a path (LocalStore::registerValidPaths): the path's file exists first; then, in
 *    one transaction, `insert into ValidPaths (path, hash, registrationTime, deriver, narSize,
 *    ultimate, sigs, ca)` and one `insert or replace into Refs (referrer, reference)` per reference;
 *  - deleting a dead path (the collector's invalidatePathChecked, then deletePath): refused while
 *    another valid path refers to it; `delete from ValidPaths where path = ?` with foreign keys
 *    on, so its Refs and DerivationOutputs rows go by cascade; then its file is removed.
 *
 * Nix's connection settings are used: WAL journal, foreign_keys on, synchronous normal.
 * `changeStore` returns an undo that removes the registered paths and puts the deleted rows
 * (same ids and columns), their references and their files back.
 */
import Database from 'better-sqlite3';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Rng } from '../../tests/support/prng.js';
import { hashPart } from '../hydra/plan.js';

export interface StoreChange {
  /** New valid paths, in registration order; each refers to up to `refsPerPath` older paths. */
  readonly registered: readonly string[];
  /** Dead paths deleted, in deletion order. */
  readonly deleted: readonly string[];
  readonly undo: () => void;
}

export interface ChangeRequest {
  readonly register: number;
  /** How many of `dead` to delete (fewer only if fewer can be deleted without breaking a reference). */
  readonly remove: number;
  readonly refsPerPath: number;
  /** Paths known to be dead before the change (e.g. what the collector printed). */
  readonly dead: readonly string[];
  readonly rng: Rng;
}

interface SavedPath {
  readonly row: Record<string, unknown>;
  readonly refs: readonly number[];
  readonly outputs: ReadonlyArray<Record<string, unknown>>;
  readonly content: Buffer;
}

const NAR_HASH = `sha256:${'2'.repeat(52)}`;

function openLikeNix(dbFile: string): Database.Database {
  const db = new Database(dbFile);
  db.pragma('journal_mode = wal');
  db.pragma('foreign_keys = on');
  db.pragma('synchronous = normal');
  return db;
}

function shuffled<T>(xs: readonly T[], rng: Rng): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Deletes up to `remove` of the `dead` paths, each only while no other valid path refers to it
 * (a collection), then registers `register` new paths in `store`, each with references to random
 * remaining or newly registered paths (builds since). `dbFile` is STATE/db/db.sqlite.
 */
export function changeStore(store: string, dbFile: string, req: ChangeRequest): StoreChange {
  const db = openLikeNix(dbFile);
  const registered: string[] = [];
  const deleted: string[] = [];
  const saved: SavedPath[] = [];
  try {
    const idOf = db.prepare('select id from ValidPaths where path = ?').pluck();
    const referrers = db.prepare('select count(*) from Refs where reference = ? and referrer != ?').pluck();
    const selectRow = db.prepare('select * from ValidPaths where id = ?');
    const selectRefs = db.prepare('select reference from Refs where referrer = ?').pluck();
    const selectOutputs = db.prepare('select * from DerivationOutputs where drv = ?');
    const invalidate = db.prepare('delete from ValidPaths where path = ?');
    // Several passes: deleting a path may free the paths it referred to.
    let pending = shuffled(req.dead, req.rng);
    while (deleted.length < req.remove) {
      const blocked: string[] = [];
      for (const path of pending) {
        if (deleted.length >= req.remove) break;
        const id = idOf.get(path) as number | undefined;
        if (id === undefined) continue;
        if ((referrers.get(id, id) as number) > 0) {
          blocked.push(path);
          continue;
        }
        db.transaction(() => {
          saved.push({
            row: selectRow.get(id) as Record<string, unknown>,
            refs: selectRefs.all(id) as number[],
            outputs: selectOutputs.all(id) as Array<Record<string, unknown>>,
            content: readFileSync(path),
          });
          invalidate.run(path);
        })();
        rmSync(path, { recursive: true, force: true });
        deleted.push(path);
      }
      if (blocked.length === pending.length) break;
      pending = blocked;
    }

    const maxId = (db.prepare('select max(id) as m from ValidPaths').get() as { m: number | null }).m ?? 0;
    const exists = db.prepare('select 1 from ValidPaths where id = ?').pluck();
    const insertPath = db.prepare('insert into ValidPaths (path, hash, registrationTime, deriver, narSize, ultimate, sigs, ca) values (?, ?, ?, ?, ?, ?, ?, ?)');
    const insertRef = db.prepare('insert or replace into Refs (referrer, reference) values (?, ?)');
    const newIds: number[] = [];
    for (let i = 0; i < req.register; i++) {
      const path = `${store}/${hashPart(req.rng)}-new-${i}`;
      writeFileSync(path, `registered ${i}\n`);
      const refs = new Set<number>();
      for (let tries = 0; refs.size < req.refsPerPath && tries < req.refsPerPath * 10; tries++) {
        const id = newIds.length > 0 && req.rng.chance(0.3) ? newIds[req.rng.int(0, newIds.length - 1)]! : req.rng.int(1, maxId);
        if (exists.get(id) !== undefined) refs.add(id);
      }
      db.transaction(() => {
        const id = Number(insertPath.run(path, NAR_HASH, Math.floor(Date.now() / 1000), null, 4096, 1, null, null).lastInsertRowid);
        for (const ref of refs) insertRef.run(id, ref);
        newIds.push(id);
      })();
      registered.push(path);
    }
  } finally {
    db.close();
  }
  return { registered, deleted, undo: () => undoChange(store, dbFile, registered, saved) };
}

function undoChange(store: string, dbFile: string, registered: readonly string[], saved: readonly SavedPath[]): void {
  const db = openLikeNix(dbFile);
  try {
    const invalidate = db.prepare('delete from ValidPaths where path = ?');
    db.transaction(() => {
      for (const path of [...registered].reverse()) invalidate.run(path);
    })();
    for (const path of registered) rmSync(path, { force: true });
    // Later deletions first: an earlier-deleted path may refer to a later-deleted one.
    db.transaction(() => {
      for (const { row, refs, outputs } of [...saved].reverse()) {
        const columns = Object.keys(row);
        db.prepare(`insert into ValidPaths (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`).run(...columns.map((c) => row[c]));
        for (const ref of refs) db.prepare('insert into Refs (referrer, reference) values (?, ?)').run(row.id, ref);
        for (const out of outputs) db.prepare('insert into DerivationOutputs (drv, id, path) values (?, ?, ?)').run(out.drv, out.id, out.path);
      }
    })();
  } finally {
    db.close();
  }
  for (const { row, content } of saved) {
    const file = join(store, basename(String(row.path)));
    if (content.length === 0) closeSync(openSync(file, 'w'));
    else writeFileSync(file, content);
  }
}
