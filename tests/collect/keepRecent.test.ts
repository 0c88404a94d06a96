/**
 * `gc --keep-recent D`: the end state equals `nix-store --gc` on the same store (snapshotted and
 * restored) where the recently registered paths were made roots by hand; the dry run agrees.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from './nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.dispose();
});

describe.runIf(HAVE_NIX)('gc --keep-recent', () => {
  it('keeps what was registered within the duration, with its closure, as nix-store --gc with those paths rooted', () => {
    const w = new NixWorld();
    worlds.push(w);
    const oldLib = w.addPath(hashOf(1), 'old-lib');
    const oldDead = w.addPath(hashOf(2), 'old-dead');
    const recent = w.addPath(hashOf(3), 'recent-app', [oldLib]);
    const recentDead = w.addPath(hashOf(4), 'recent-leaf');
    const db = new Database(join(w.state, 'db', 'db.sqlite'));
    const twoDaysAgo = Math.floor(Date.now() / 1000) - 2 * 86_400;
    db.prepare('update ValidPaths set registrationTime = ? where path in (?, ?)').run(twoDaysAgo, oldLib, oldDead);
    db.close();

    // Nix, with the recent paths made roots by hand, on a snapshot of the same store.
    const saved = `${w.root}.saved`;
    expect(spawnSync('cp', ['-a', w.root, saved]).status).toBe(0);
    for (const [i, p] of [recent, recentDead].entries()) expect(w.nix(['--add-root', join(w.state, 'gcroots', `recent-${i}`), '-r', p]).status).toBe(0);
    expect(w.nix(['--gc']).status).toBe(0);
    const expected = { store: w.listStore(), valid: w.dbRows().valid };
    rmSync(w.root, { recursive: true, force: true });
    renameSync(saved, w.root);

    const dry = w.storegc(['gc', '--dry-run', '--json', '--no-runtime-roots', '--keep-recent', '24h']);
    expect(dry.status, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout) as { deleted: string[]; keptByPolicy: Record<string, { paths: number; narSize: number }> };
    expect(planned.deleted).toEqual([oldDead]);
    // What --keep-recent kept: the recent paths and the old one only they hold.
    const db2 = new Database(join(w.state, 'db', 'db.sqlite'), { readonly: true });
    const narSize = [recent, recentDead, oldLib].reduce((sum, p) => sum + (db2.prepare('select narSize from ValidPaths where path = ?').pluck().get(p) as number), 0);
    db2.close();
    expect(planned.keptByPolicy).toEqual({ keepRecent: { paths: 3, narSize } });
    const real = w.storegc(['gc', '--no-runtime-roots', '--keep-recent', '24h']);
    expect(real.status, real.stderr).toBe(0);
    expect(real.stderr).toContain(`storegc: note: kept by policy: keepRecent 3 paths (${(narSize / 2 ** 20).toFixed(2)} MiB narSize)\n`);
    expect({ store: w.listStore(), valid: w.dbRows().valid }).toEqual(expected);
    expect(w.listStore().some((n) => n.endsWith('-old-lib'))).toBe(true);
    expect(w.storegc(['gc', '--no-runtime-roots', '--keep-recent', '24']).status).toBe(2);
  });
});
