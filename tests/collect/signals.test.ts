/**
 * SIGINT/SIGTERM during gc: the batch in flight finishes, the summary of what was deleted is
 * printed, the locks are released, the exit status is 128 + the signal number, and the next
 * run finishes the job.
 */
import { closeSync, constants, existsSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tryLockExclusive } from '../../src/store/flock.js';
import { HAVE_NIX, MAIN, NixWorld, exited, hashOf, until } from './nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => worlds.splice(0).forEach((w) => w.dispose()));

const PATHS = 3000;

/** PATHS dead paths (chains of 5) and one live one, registered in one call. */
function world(): { w: NixWorld; live: string } {
  const w = new NixWorld();
  worlds.push(w);
  const live = w.addPath(hashOf(0), 'live');
  w.nix(['--add-root', join(w.state, 'gcroots', 'live'), '--indirect', '-r', live]);
  const paths = Array.from({ length: PATHS }, (_, i) => join(w.store, `${hashOf(i + 1)}-p${i}`));
  paths.forEach((p) => writeFileSync(p, `${p}\n`));
  const input = paths.map((p, i) => (i % 5 === 0 ? `${p}\n\n0\n` : `${p}\n\n1\n${paths[i - 1]}\n`)).join('');
  const reg = w.nix(['--register-validity'], input);
  if (reg.status !== 0) throw new Error(reg.stderr);
  return { w, live };
}

describe.skipIf(!HAVE_NIX)('storegc gc interrupted', () => {
  for (const [signal, status] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`stops between batches on ${signal}, reports what it deleted and exits ${status}`, async () => {
      const { w, live } = world();
      // A finite limit makes every path its own batch, so the signal lands mid-run.
      const gc = w.spawn(process.execPath, [MAIN, 'gc', '--max-freed', '1T']);
      await until(() => (gc.output.stderr.match(/^deleting '/gm) ?? []).length >= 20, 'some deletions');
      gc.kill(signal);
      expect(await exited(gc)).toBe(status);
      const deleted = (gc.output.stderr.match(/^deleting '/gm) ?? []).length;
      expect(deleted).toBeLessThan(PATHS);
      // The socket file stays, as Nix leaves it: a client then gets ECONNREFUSED and retries.
      expect(existsSync(join(w.state, 'gc-socket', 'socket'))).toBe(true);
      expect(gc.output.stdout).toMatch(new RegExp(`^${deleted} store paths deleted, [0-9.]+ MiB freed\\n$`));
      expect(gc.output.stderr).toContain(`storegc: stopped by ${signal}`);
      // Rows and files agree: every deleted path is gone from both, nothing else is.
      expect(w.dbRows().valid).toHaveLength(PATHS + 1 - deleted);
      expect(w.listStore()).toHaveLength(PATHS + 1 - deleted);
      const verify = w.nix(['--verify', '--check-contents']);
      expect(verify.status, verify.stderr).toBe(0);
      expect(verify.stderr).not.toMatch(/disappeared|modified|error/);
      // The lock is free and the socket answers no more: the next run finishes the job.
      const again = w.storegc(['gc', '--json']);
      expect(again.status, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ totals: { paths: PATHS - deleted }, interrupted: null });
      expect(w.dbRows().valid).toEqual([live]);
    });
  }

  it('stops before computing anything when the signal comes while it finds roots', async () => {
    const w = new NixWorld();
    worlds.push(w);
    const dead = w.addPath(hashOf(1), 'dead');
    const hold = join(w.root, 'hold');
    writeFileSync(hold, '');
    const gc = w.spawn(process.execPath, [MAIN, 'gc'], { STOREGC_TEST_HOLD: hold });
    await until(() => existsSync(`${hold}.held`), 'storegc to hold');
    gc.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    rmSync(hold);
    expect(await exited(gc)).toBe(143);
    expect(gc.output.stdout).toBe('0 store paths deleted, 0.00 MiB freed\n');
    expect(gc.output.stderr).not.toContain('determining live/dead paths');
    expect(w.dbRows().valid).toEqual([dead]);
  });

  it('can be stopped while it waits for another collector\'s lock, having written nothing', async () => {
    const w = new NixWorld();
    worlds.push(w);
    const dead = w.addPath(hashOf(1), 'dead');
    // Another collector: this test process holds gc.lock.
    const holder = openSync(join(w.state, 'gc.lock'), constants.O_RDWR | constants.O_CREAT, 0o600);
    try {
      expect(tryLockExclusive(holder)).toBe(true);
      const gc = w.spawn(process.execPath, [MAIN, 'gc']);
      await until(() => gc.output.stderr.includes('waiting for the big garbage collector lock...'), 'storegc to wait');
      gc.kill('SIGINT');
      expect(await exited(gc)).toBe(130);
      expect(gc.output.stdout).toBe('0 store paths deleted, 0.00 MiB freed\n');
      expect(w.dbRows().valid).toEqual([dead]);
      expect(existsSync(join(w.state, 'gc-socket', 'socket'))).toBe(false);
    } finally {
      closeSync(holder);
    }
  });
});
