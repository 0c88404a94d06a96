/**
 * The collector fails closed on a store it cannot write (issue 7, item 6) and says what went
 * wrong when a deletion fails or gc.lock cannot be taken.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, MAIN, NixWorld, exited, hashOf, until } from './nixWorld.js';

const worlds: NixWorld[] = [];
const mounts: string[] = [];
afterEach(() => {
  for (const m of mounts.splice(0).reverse()) spawnSync('umount', [m]);
  worlds.splice(0).forEach((w) => w.dispose());
});

function readOnlyBind(dir: string): void {
  execFileSync('mount', ['--bind', dir, dir]);
  mounts.push(dir);
  execFileSync('mount', ['-o', 'remount,bind,ro', dir]);
}

/** A rooted path, two dead ones (one refers to the other) and a junk file. */
function world(): NixWorld & { live: string; dead: string[] } {
  const w = new NixWorld() as NixWorld & { live: string; dead: string[] };
  worlds.push(w);
  w.live = w.addPath(hashOf(1), 'live');
  const a = w.addPath(hashOf(2), 'a');
  const b = w.addPath(hashOf(3), 'b', [a]);
  w.dead = [a, b];
  execFileSync('ln', ['-s', w.live, join(w.state, 'gcroots', 'live')]);
  writeFileSync(join(w.store, 'junk'), 'junk\n');
  return w;
}

const IS_ROOT = process.getuid?.() === 0;

describe.skipIf(!HAVE_NIX || !IS_ROOT)('storegc gc fails closed', () => {
  it('refuses a read-only store before the first write, with one line and exit 1', () => {
    const w = world();
    readOnlyBind(w.store);
    const rows = w.dbRows();
    const listing = w.listStore();
    const reserved = existsSync(join(w.state, 'db', 'reserved'));
    const r = w.storegc(['gc']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`storegc: error: nothing deleted: read-only file system '${w.store}'; remount it read-write; on NixOS run where the store is writable, e.g. \`unshare -m sh -c 'mount -o remount,rw /nix/store && storegc gc'\` (what nix-daemon does)\n`);
    expect(w.dbRows()).toEqual(rows);
    expect(w.listStore()).toEqual(listing);
    expect(existsSync(join(w.state, 'db', 'reserved'))).toBe(reserved);
    expect(existsSync(join(w.state, 'gc-socket'))).toBe(false);
    const verify = w.nix(['--verify']);
    expect(verify.status).toBe(0);
    expect(verify.stderr).not.toMatch(/disappeared|error/);
    // delete refuses the same way; a dry run still works.
    expect(w.storegc(['delete', w.dead[1]!]).status).toBe(1);
    expect(w.storegc(['gc', '--dry-run']).status).toBe(0);
    expect(w.dbRows()).toEqual(rows);
  });

  it('says a failed deletion left the row gone and the rest for the next run, and exits 1', () => {
    const w = world();
    const [, b] = w.dead;
    const junk = join(w.store, 'junk');
    // unlink of a mount point fails (EBUSY): for b after its row is gone; junk has no row.
    readOnlyBind(b!);
    readOnlyBind(junk);
    const r = w.storegc(['gc', '--json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.skipped).toEqual([
      { path: junk, reason: 'delete-failed', detail: expect.stringMatching(/EBUSY|EROFS/) },
      { path: b, reason: 'delete-failed', detail: expect.stringMatching(/EBUSY|EROFS/) },
    ]);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('storegc: warning: '));
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^storegc: warning: could not delete '${junk}' \\(.*\\); it is not registered, so the next run tries again once the cause is fixed$`)),
      expect.stringMatching(new RegExp(`^storegc: warning: could not delete '${b}' \\(.*\\); its database row is already removed, so the next run deletes what is left once the cause is fixed$`)),
    ]);
    expect(w.dbRows().valid).toEqual([w.live]);
    // Text mode says it too, and once the cause is gone the next run removes the leftovers.
    const again = w.storegc(['gc']);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^storegc: warning: could not delete /m);
    for (const m of mounts.splice(0).reverse()) spawnSync('umount', [m]);
    const last = w.storegc(['gc']);
    expect(last.status).toBe(0);
    expect(last.stdout).toBe('2 store paths deleted, 0.00 MiB freed\n');
    expect(w.listStore()).toEqual([w.live.slice(w.store.length + 1)]);
    expect(w.nix(['--verify']).status).toBe(0);
  });

  it('says the disk is full when the database cannot record a deletion, and changes nothing', async () => {
    const w = world();
    // The state dir on a tiny tmpfs, filled up while the collector holds (after db/reserved is gone).
    const saved = join(w.root, 'var.saved');
    execFileSync('cp', ['-a', w.state, saved]);
    rmSync(join(saved, 'db', 'reserved')); // 8 MiB; storegc would free it first anyway
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', w.state]);
    mounts.push(w.state);
    execFileSync('cp', ['-a', `${saved}/.`, w.state]);
    const rows = w.dbRows();
    const listing = w.listStore();
    const hold = join(w.root, 'hold');
    writeFileSync(hold, '');
    const gc = w.spawn(process.execPath, [MAIN, 'gc'], { STOREGC_TEST_HOLD: hold });
    await until(() => existsSync(`${hold}.held`), 'storegc to hold');
    spawnSync('dd', ['if=/dev/zero', `of=${join(w.state, 'filler')}`, 'bs=64k']);
    rmSync(hold);
    expect(await exited(gc)).toBe(1);
    expect(gc.output.stderr.trim().split('\n').at(-1)).toBe(`storegc: error: the disk is full '${join(w.state, 'db', 'db.sqlite')}'; free some space on that file system (storegc gc needs a little to record deletions)`);
    rmSync(join(w.state, 'filler'));
    // The batch's transaction rolled back: every row and registered file is still there (the
    // junk entry, which has no row, went first).
    expect(w.dbRows()).toEqual(rows);
    expect(w.listStore()).toEqual(listing.filter((n) => n !== 'junk'));
    expect(w.nix(['--verify']).status).toBe(0);
  });

  it('reports a gc.lock it may not open as one line, not an internal error', () => {
    const w = world();
    // Store and db writable by nobody, gc.lock not: only the lock fails.
    writeFileSync(join(w.state, 'gc.lock'), '');
    chmodSync(join(w.state, 'gc.lock'), 0o600);
    for (const dir of [w.root, w.store, w.state, join(w.state, 'db')]) chmodSync(dir, 0o777);
    mkdirSync(join(w.state, 'gc-socket'), { recursive: true });
    const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, MAIN, 'gc', '--no-runtime-roots'], { env: w.env, encoding: 'utf8' });
    expect(r.stderr.split('\n').filter((l) => l.startsWith('storegc:'))).toEqual([`storegc: error: nothing deleted: cannot open the garbage collector lock (permission denied) '${join(w.state, 'gc.lock')}'; run as the user that owns the store (usually root)`]);
    expect(r.status).toBe(1);
  });
});
