/**
 * materializeStore: writes a StoreSpec under a scratch root R, always in the same order (store
 * entries, junk, DB, tree, temp roots, nix.conf), so a rebuild in the same directory yields the
 * same readdir order. Layout, as with `NIX_STORE_DIR=$R/store NIX_STATE_DIR=$R/var
 * NIX_LOG_DIR=$R/log NIX_CONF_DIR=$R/etc`:
 *   $R/store/<base>  $R/store/.links  $R/var/db/{schema,db.sqlite}  $R/var/gcroots  $R/var/profiles
 *   $R/var/temproots/<file>  $R/etc/nix.conf  $R/log
 * Live temp-root owners are held by this process until `release()`; materializing again in the
 * same directory releases the previous holder first.
 */
import { chmodSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { emptyDir, makeReadOnly, writeEntries } from './fsTree.js';
import { writeNixDb } from './nixDb.js';
import { expandAt, type StoreSpec } from './spec.js';
import { holdExclusiveLocks, type HeldLocks } from './tempRootOwners.js';

export interface StoreLayout {
  readonly root: string;
  readonly storeDir: string;
  readonly stateDir: string;
  readonly confDir: string;
  readonly logDir: string;
}

export interface MaterializedStore extends StoreLayout {
  /** Drops the flocks of live temp-root owners (idempotent). */
  release(): void;
}

const held = new Map<string, HeldLocks>();

export function layoutOf(root: string): StoreLayout {
  return {
    root,
    storeDir: join(root, 'store'),
    stateDir: join(root, 'var'),
    confDir: join(root, 'etc'),
    logDir: join(root, 'log'),
  };
}

/** Releases the live temp-root owners held for the store materialized at `root`, if any. */
export function releaseStore(root: string): void {
  held.get(root)?.release();
  held.delete(root);
}

/** Empties `root` and writes `spec` into it. */
export function materializeStore(spec: StoreSpec, root: string): MaterializedStore {
  releaseStore(root);
  mkdirSync(root, { recursive: true });
  emptyDir(root);
  const l = layoutOf(root);

  mkdirSync(join(l.storeDir, '.links'), { recursive: true });
  for (const p of spec.paths) if (p.onDisk) writeEntries(join(l.storeDir, p.base), p.files, root);
  for (const j of spec.junk) writeEntries(join(l.storeDir, j.name), j.files, root);

  writeNixDb(spec, join(l.stateDir, 'db'), l.storeDir);
  writeEntries(root, spec.tree, root);
  // What a Nix store open creates (reference §1.1), so that Nix finds nothing to add.
  for (const d of ['gcroots', 'profiles']) {
    const abs = join(l.stateDir, d);
    if (!lexists(abs)) mkdirSync(abs);
    if (!lstatSync(abs).isDirectory()) continue;
    mkdirSync(join(abs, 'per-user', userInfo().username), { recursive: true });
    chmodSync(join(abs, 'per-user'), 0o755);
  }

  const tempDir = join(l.stateDir, 'temproots');
  mkdirSync(tempDir, { recursive: true });
  for (const t of spec.tempRoots) {
    const body = t.entries.map((e) => `${expandAt(e, root)}\0`).join('') + (t.tail ?? '');
    writeFileSync(join(tempDir, t.file), body, { mode: 0o600 });
  }

  mkdirSync(l.confDir, { recursive: true });
  const conf = ['sandbox = false', 'build-users-group =', ...spec.settings.map((s) => `${s.name} = ${s.value}`)];
  writeFileSync(join(l.confDir, 'nix.conf'), `${conf.join('\n')}\n`);
  mkdirSync(l.logDir, { recursive: true });

  for (const p of spec.paths) if (p.onDisk) makeReadOnly(join(l.storeDir, p.base));

  const live = spec.tempRoots.filter((t) => t.owner === 'alive').map((t) => join(tempDir, t.file));
  const locks = holdExclusiveLocks(live);
  held.set(root, locks);
  return {
    ...l,
    release(): void {
      locks.release();
      if (held.get(root) === locks) held.delete(root);
    },
  };
}

function lexists(abs: string): boolean {
  try {
    lstatSync(abs);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
