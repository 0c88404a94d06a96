/**
 * storegc gc / delete as users drive them, side by side with nix-store on identical worlds.
 */
import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { treeLines } from '../support/treeDigest.js';
import { HAVE_NIX, NixWorld, hashOf } from './nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => worlds.splice(0).forEach((w) => w.dispose()));

/** a <- b <- c (c refers to b refers to a), d rooted and referring to a, e alone; a junk file. */
function world(): NixWorld & { p: Record<string, string> } {
  const w = new NixWorld() as NixWorld & { p: Record<string, string> };
  worlds.push(w);
  const a = w.addPath(hashOf(1), 'a', [], 'x'.repeat(300_000));
  const b = w.addPath(hashOf(2), 'b', [a], 'y'.repeat(600_000));
  const c = w.addPath(hashOf(3), 'c', [b]);
  const d = w.addPath(hashOf(4), 'd', [a]);
  const e = w.addPath(hashOf(5), 'e', [], 'z'.repeat(900_000));
  symlinkSync(d, join(w.state, 'gcroots', 'd'));
  writeFileSync(join(w.store, 'junk'), 'junk\n');
  w.p = { a, b, c, d, e };
  return w;
}

function state(w: NixWorld): string {
  return JSON.stringify({ listing: w.listStore(), db: w.dbRows() }).replaceAll(w.root, '@');
}

describe.skipIf(!HAVE_NIX)('storegc gc and delete', () => {
  it('gc leaves what nix-store --gc leaves, and prints the same summary line', () => {
    const ours = world();
    const theirs = world();
    const r = ours.storegc(['gc']);
    const n = theirs.nix(['--gc']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(n.stdout);
    expect(state(ours)).toBe(state(theirs));
    expect(ours.nix(['--verify', '--check-contents']).status).toBe(0);
  });

  it('--dry-run writes nothing but its own run record and lists what storegc dead lists', () => {
    const w = world();
    // SQLite's -wal/-shm sidecars aside (and the db dir's mtime, which their creation bumps), and
    // storegc's own var/storegc/ (the run history records dry runs too; the state dir's mtime).
    const tree = (): string[] => treeLines(w.root)
      .filter((l) => !/^var\/db\/db\.sqlite-(wal|shm) /.test(l) && !/^var\/storegc[ /]/.test(l))
      .map((l) => l.replace(/^(var\/db dir \S+) \d+/, '$1 -').replace(/^(var dir \S+) \d+/, '$1 -'));
    const before = tree();
    const r = w.storegc(['gc', '--dry-run']);
    expect(r.status).toBe(0);
    expect(tree()).toEqual(before);
    expect(readdirSync(join(w.state, 'storegc'))).toContain('history.sqlite');
    const dead = w.storegc(['dead']).stdout;
    expect(r.stdout).toMatch(/^4 store paths would be deleted, freeing [0-9.]+ MiB on disk \(apparent size 1\.43 MiB, which nix-store reports; narSize 1\.43 MiB\)$/m);
    expect(r.stdout.startsWith(dead)).toBe(true);
    expect(w.storegc(['gc']).stdout).toBe('4 store paths deleted, 1.43 MiB freed\n');
  });

  it('--json reports counts, bytes and phases; --quiet prints only the summary', () => {
    const w = world();
    const r = w.storegc(['gc', '--json']);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ schemaVersion: 1, command: 'gc', dryRun: false, totals: { paths: 4 }, limitReached: false });
    expect(Object.keys(report.phasesMs)).toEqual(expect.arrayContaining(['roots', 'liveness', 'delete', 'links']));
    const q = world().storegc(['gc', '--quiet']);
    expect(q.stderr).toBe('');
    expect(q.stdout).toMatch(/^4 store paths deleted, [0-9.]+ MiB freed\n$/);
  });

  it('--max-freed stops once more than that is freed, and 0 deletes nothing', () => {
    const w = world();
    const r = w.storegc(['gc', '--max-freed', '1']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^1 store paths deleted, /);
    const z = world();
    const zr = z.storegc(['gc', '--max-freed', '0']);
    expect(zr.stdout).toBe('0 store paths deleted, 0.00 MiB freed\n');
    expect(z.listStore()).toContain('junk');
  });

  it('delete removes dead paths like nix-store --delete, and refuses live ones', () => {
    const ours = world();
    const theirs = world();
    const args = [ours.p.b!, ours.p.c!];
    expect(ours.storegc(['delete', ...args]).stdout).toBe(theirs.nix(['--delete', theirs.p.b!, theirs.p.c!]).stdout);
    expect(state(ours)).toBe(state(theirs));

    const live = ours.storegc(['delete', ours.p.a!]);
    expect(live.status).toBe(1);
    expect(live.stderr.trim().split('\n').at(-1)).toMatch(/^storegc: error: cannot delete path since it is still alive '.*-a'; /);
    expect(theirs.nix(['--delete', theirs.p.a!]).status).toBe(1);
    expect(state(ours)).toBe(state(theirs));
  });

  it('delete refuses a path whose dead referrer is not requested, like Nix (NixOS/nix#7488)', () => {
    const w = world();
    expect(w.storegc(['delete', w.p.b!]).status).toBe(1);
    expect(w.nix(['--delete', w.p.b!]).status).toBe(1);
    const skip = w.storegc(['delete', '--skip-live', w.p.b!, w.p.e!]);
    expect(skip.status).toBe(0);
    expect(skip.stdout).toBe('1 store paths deleted, 0.86 MiB freed\n');
  });

  it('deletes nothing when a root cannot be read, unless told to go on', () => {
    const w = world();
    const loop = join(w.root, 'loop');
    symlinkSync(loop, loop);
    symlinkSync(join(loop, 'result'), join(w.state, 'gcroots', 'through-a-loop'));
    const before = state(w);
    const r = w.storegc(['gc']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^storegc: error: nothing deleted: cannot read a root .*through-a-loop/);
    expect(state(w)).toBe(before);
    // Nix 2.8 aborts too, with the loop error.
    expect(w.nix(['--gc']).stderr).toContain('Too many levels of symbolic links');
    expect(w.storegc(['gc', '--allow-unreadable-roots']).status).toBe(0);
    expect(w.listStore()).not.toContain('junk');
  });
});

