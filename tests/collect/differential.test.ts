/**
 * Differential proof for the collector: on identical copies of generated stores (derivations
 * under all keep-* settings, unregistered and junk entries, temp roots, `.links` hard links made
 * by `nix-store --optimise`), `nix-store --gc` on one and `storegc gc` on the other leave the
 * same store listing, `.links` listing and DB rows, and print the same summary line; and
 * `nix-store --verify --check-contents` passes after storegc.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, linkSync, lstatSync, mkdtempSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTree } from '../support/fsTree.js';
import { generateStore } from '../support/generate.js';
import { materializeStore, releaseStore } from '../support/materialize.js';
import { linkNameOf, narInfo } from '../support/nar.js';
import { runNixStore, runStoregc } from '../support/run.js';
import type { StoreSpec } from '../support/spec.js';
import { FAST_TMP, HAVE_NIX } from './nixWorld.js';

const STORES = 100;
const FIRST_SEED = 4000;
const root = mkdtempSync(join(FAST_TMP, 'storegc-diff-'));
const deletedPerStore: number[] = [];
afterAll(() => {
  releaseStore(root);
  removeTree(root);
});

/** Writes the store and gives every valid path the narHash and narSize Nix would compute. */
function prepare(spec: StoreSpec): void {
  materializeStore(spec, root);
  const db = new Database(join(root, 'var', 'db', 'db.sqlite'));
  const update = db.prepare('update ValidPaths set hash = ?, narSize = ? where id = ?');
  db.transaction(() => {
    for (const { id, path } of db.prepare('select id, path from ValidPaths').all() as { id: number; path: string }[]) {
      try {
        const { hash, size } = narInfo(path);
        update.run(hash, size, id);
      } catch {
        // valid but missing on disk: nothing to hash
      }
    }
  })();
  db.close();
  optimise(join(root, 'store'));
}

/**
 * What `nix-store --optimise` does, which itself stops at the first valid path missing on disk:
 * every regular file becomes a hard link to `.links/<base-32 NAR hash>`, identical files sharing one.
 */
function optimise(store: string): void {
  const links = join(store, '.links');
  const visit = (path: string): void => {
    const st = lstatSync(path);
    if (st.isDirectory()) {
      chmodSync(path, st.mode | 0o200);
      for (const name of readdirSync(path)) visit(join(path, name));
      chmodSync(path, st.mode);
    } else if (st.isFile()) {
      const target = join(links, linkNameOf(path));
      if (!existsSync(target)) linkSync(path, target);
      else if (lstatSync(target).ino !== st.ino) {
        unlinkSync(path);
        linkSync(target, path);
      }
    }
  };
  for (const name of readdirSync(store)) {
    if (name === '.links') continue;
    const path = join(store, name);
    const parent = lstatSync(store).mode;
    chmodSync(store, parent | 0o200);
    visit(path);
    chmodSync(store, parent);
  }
}

function endState(): string {
  const db = new Database(join(root, 'var', 'db', 'db.sqlite'), { readonly: true });
  try {
    const col = (sql: string): string[] => (db.prepare(sql).pluck().all() as string[]).sort();
    return JSON.stringify({
      store: readdirSync(join(root, 'store')).sort(),
      links: readdirSync(join(root, 'store', '.links')).sort(),
      valid: col('select path from ValidPaths'),
      refs: col("select a.path || ' -> ' || b.path from Refs join ValidPaths a on a.id = referrer join ValidPaths b on b.id = reference"),
      outputs: col("select v.path || '!' || d.id || ' = ' || d.path from DerivationOutputs d join ValidPaths v on v.id = d.drv"),
    });
  } finally {
    db.close();
  }
}

describe.skipIf(!HAVE_NIX)(`storegc gc against nix-store --gc on ${STORES} generated stores`, () => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + STORES; seed++) {
    it(`seed ${seed}`, () => {
      const spec = generateStore(seed);
      prepare(spec);
      const ours = runStoregc(root, ['gc', '--quiet']);
      expect(ours.status, ours.stderr.toString()).toBe(0);
      const after = endState();
      const verifyOurs = runNixStore(root, ['--verify', '--check-contents']);

      prepare(spec);
      const theirs = runNixStore(root, ['--gc']);
      expect(theirs.status, theirs.stderr.toString()).toBe(0);
      expect(ours.stdout.toString()).toBe(theirs.stdout.toString());
      expect(after).toBe(endState());
      deletedPerStore.push(Number(/^(\d+) store paths deleted/.exec(ours.stdout.toString())?.[1]));
      // Nix verifies our result exactly as it verifies its own: clean, unless the generated store
      // had valid paths missing on disk from the start (which --verify reports either way).
      const verifyTheirs = runNixStore(root, ['--verify', '--check-contents']);
      expect(verifyOurs.stderr).toBe(verifyTheirs.stderr);
      expect(verifyOurs.status).toBe(verifyTheirs.status);
      if (spec.paths.every((p) => p.onDisk || !p.registered)) expect(verifyOurs.status, verifyOurs.stderr).toBe(0);
    });
  }

  it('compared stores where there was something to delete', () => {
    expect(deletedPerStore.filter((n) => n > 0).length).toBeGreaterThan(STORES * 0.9);
  });
});
