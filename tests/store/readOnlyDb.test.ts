/**
 * roots, live and dead read a store they cannot write: as an unprivileged user on a root-owned
 * store that Nix left clean (WAL database, no -shm file), and as root on a read-only mount. They
 * print what root prints on a writable store, and write nothing next to the database.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, MAIN, NixWorld, hashOf } from '../collect/nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.dispose();
});

/** A store with a live and a dead path, as Nix leaves it (no -wal, no -shm). */
function cleanStore(): { w: NixWorld; live: string; dead: string } {
  const w = new NixWorld();
  worlds.push(w);
  const lib = w.addPath(hashOf(1), 'lib');
  const live = w.addPath(hashOf(2), 'app', [lib]);
  const dead = w.addPath(hashOf(3), 'old');
  expect(w.nix(['--add-root', join(w.state, 'gcroots', 'app'), '-r', live]).status).toBe(0);
  expect(readdirSync(join(w.state, 'db')).sort()).toEqual(['big-lock', 'db.sqlite', 'reserved', 'schema']);
  return { w, live, dead };
}

const ARGS = ['--no-runtime-roots', '--no-index'];

function runAs(w: NixWorld, user: string | undefined, args: string[]) {
  const env = ['NIX_STORE_DIR', 'NIX_STATE_DIR', 'NIX_CONF_DIR'].map((k) => `${k}=${w.env[k]}`);
  const argv = user === undefined ? [process.execPath, MAIN, ...args] : ['runuser', '-u', user, '--', 'env', ...env, process.execPath, MAIN, ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { env: w.env, encoding: 'utf8', cwd: '/' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(HAVE_NIX)('reading a store without write access', () => {
  it('works for an unprivileged user on a root-owned store, writing nothing next to the database', () => {
    const { w, dead } = cleanStore();
    // The user may read everything (as on NixOS), but write nothing.
    chmodSync(w.root, 0o755);
    for (const dir of ['var', 'var/db', 'var/gcroots', 'var/profiles', 'etc']) chmodSync(join(w.root, dir), 0o755);
    chmodSync(join(w.state, 'db', 'db.sqlite'), 0o644);
    for (const command of ['roots', 'live', 'dead']) {
      // Real Nix, as root, is the oracle (and leaves the database clean again).
      const nix = w.nix(['--gc', `--print-${command}`]);
      expect(nix.status).toBe(0);
      const asUser = runAs(w, 'nobody', [command, ...ARGS]);
      expect(asUser.stderr, command).toBe('');
      expect(asUser.status, command).toBe(0);
      expect(asUser.stdout, command).toBe(nix.stdout);
    }
    expect(runAs(w, 'nobody', ['dead', ...ARGS]).stdout).toBe(`${dead}\n`);
    expect(readdirSync(join(w.state, 'db')).sort()).toEqual(['big-lock', 'db.sqlite', 'reserved', 'schema']);
  });

  it('works for root on a read-only mount of the state directory', () => {
    const { w, dead } = cleanStore();
    const expected = runAs(w, undefined, ['live', ...ARGS]).stdout;
    const bind = spawnSync('mount', ['--bind', w.state, w.state]);
    if (bind.status !== 0) {
      // Only where this machine does not let root mount (CI and the developers' machines do).
      console.warn(`skipped: cannot bind-mount here (${bind.stderr.toString().trim()})`);
      return;
    }
    try {
      expect(spawnSync('mount', ['-o', 'remount,bind,ro', w.state]).status).toBe(0);
      expect(() => mkdirSync(join(w.state, 'probe'))).toThrow(/EROFS/);
      for (const [command, out] of [['dead', `${dead}\n`], ['live', expected]] as const) {
        const r = runAs(w, undefined, [command, ...ARGS]);
        expect(r.stderr, command).toBe('');
        expect(r.stdout, command).toBe(out);
      }
    } finally {
      spawnSync('umount', [w.state]);
    }
  });
});
