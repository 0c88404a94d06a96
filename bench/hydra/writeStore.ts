/**
 * Writes the store half of a plan: the directory skeleton the tests use, nix.conf, the Nix 2.8
 * database (one transaction, prepared statements) and one empty file per valid path, since both
 * tools list the store directory to find dead paths. Each path refers to up to plan.refsPerPath
 * distinct paths with lower ids, so live paths never refer to the dead tail of the plan.
 */
import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NIX_28_SCHEMA } from '../../tests/support/nixDb.js';
import { createRng } from '../../tests/support/prng.js';
import type { Layout } from './layout.js';
import type { TreePlan } from './plan.js';

const NAR_HASH = `sha256:${'1'.repeat(52)}`;

/** Includes the per-user/root directories Nix 2.8 creates on its first run, so Nix leaves the tree as it was. */
export function writeSkeleton(layout: Layout): void {
  const nixMade = [join(layout.gcroots, 'per-user', 'root'), join(layout.profiles, 'per-user', 'root')];
  for (const dir of [...nixMade, layout.store, join(layout.state, 'db'), layout.gcroots, layout.profiles, join(layout.state, 'temproots'), layout.conf, layout.outside, layout.scratch]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(join(layout.conf, 'nix.conf'), 'sandbox = false\nbuild-users-group =\n');
  writeFileSync(join(layout.state, 'db', 'schema'), '10');
}

/** Returns the number of references written. */
export function writeStore(layout: Layout, plan: TreePlan): number {
  const rng = createRng(plan.seed * 104729 + plan.size);
  const db = new Database(layout.db);
  let refCount = 0;
  try {
    db.pragma('journal_mode = wal');
    db.pragma('synchronous = off');
    db.exec(NIX_28_SCHEMA);
    const insertPath = db.prepare('insert into ValidPaths (id, path, hash, registrationTime, narSize) values (?, ?, ?, ?, ?)');
    const insertRef = db.prepare('insert into Refs (referrer, reference) values (?, ?)');
    const targets: number[] = [];
    db.transaction(() => {
      plan.bases.forEach((base, i) => {
        insertPath.run(i + 1, `${layout.store}/${base}`, NAR_HASH, 1_700_000_000 + i, 4096 + rng.int(0, 1 << 20));
        targets.length = 0;
        const want = Math.min(i, plan.refsPerPath);
        while (targets.length < want) {
          const j = rng.chance(0.7) ? i - rng.int(1, Math.min(i, 64)) : rng.int(0, i - 1);
          if (!targets.includes(j)) targets.push(j);
        }
        for (const j of targets) insertRef.run(i + 1, j + 1);
        refCount += targets.length;
      });
    })();
  } finally {
    db.close();
  }
  for (const base of plan.bases) closeSync(openSync(join(layout.store, base), 'w'));
  return refCount;
}
