/**
 * Every root source fails closed (README, "Collecting garbage safely"): when gcroots, profiles,
 * extra roots, indirect targets, temproots or /proc cannot be read, `gc` deletes nothing (unless
 * --allow-unreadable-roots) and names the path; `roots`, `live` and `dead` print their result,
 * warn, and exit 1. Root bypasses permissions, so EACCES is produced by running storegc as
 * `nobody`; as root, symlink loops (ELOOP) stand in for an unreadable directory.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/compose/collect.js';
import { UNLIMITED } from '../../src/collect/executePlan.js';
import { resolveSettings } from '../../src/config/settings.js';
import { HAVE_NIX, MAIN, NixWorld, hashOf } from '../collect/nixWorld.js';
import type { Run } from '../collect/nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => worlds.splice(0).forEach((w) => w.dispose()));

/** `kept` is rooted only through `users/alice/result`; `loose` is rooted by nothing. */
function world(): NixWorld & { kept: string; loose: string; users: string } {
  const w = new NixWorld() as NixWorld & { kept: string; loose: string; users: string };
  worlds.push(w);
  w.kept = w.addPath(hashOf(1), 'kept');
  w.loose = w.addPath(hashOf(2), 'loose');
  w.users = join(w.root, 'users');
  mkdirSync(join(w.users, 'alice'), { recursive: true });
  symlinkSync(w.kept, join(w.users, 'alice', 'result'));
  return w;
}

/** Lets `nobody` read the world (the database is opened read-only, beside its lock files). */
function openToNobody(w: NixWorld): void {
  const open = (dir: string): void => {
    chmodSync(dir, statSync(dir).mode | 0o755);
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) open(join(dir, e.name));
  };
  open(w.root);
  chmodSync(join(w.state, 'db'), 0o777);
  for (const f of readdirSync(join(w.state, 'db'))) chmodSync(join(w.state, 'db', f), 0o666);
}

function asNobody(w: NixWorld, args: string[]): Run {
  const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, MAIN, ...args], { env: w.env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const warnings = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('storegc: warning: '));

describe.skipIf(!HAVE_NIX)('--extra-roots fails closed', () => {
  it('a glob through a directory nobody may read: dead and roots print, warn naming it, exit 1; gc refuses', () => {
    const w = world();
    openToNobody(w);
    chmodSync(join(w.users, 'alice'), 0o000);
    const glob = ['--extra-roots', `${w.users}/*/result`, '--no-runtime-roots', '--no-index'];
    const dead = asNobody(w, ['dead', ...glob]);
    expect(dead.status, dead.stderr).toBe(1);
    expect(dead.stdout).toBe([w.kept, w.loose].sort().join('\n') + '\n');
    expect(warnings(dead.stderr)).toEqual([`storegc: warning: cannot read '${join(w.users, 'alice')}' while expanding --extra-roots (EACCES); roots under it are unknown`]);
    expect(asNobody(w, ['roots', ...glob]).status).toBe(1);
    const gc = asNobody(w, ['gc', '--dry-run', ...glob.slice(0, 3)]);
    expect(gc.status).toBe(1);
    expect(gc.stdout).toBe('');
    expect(gc.stderr).toContain(join(w.users, 'alice'));
  });

  it('readable, the same glob finds the root (and exits 0)', () => {
    const w = world();
    const r = w.storegc(['roots', '--extra-roots', `${w.users}/*/result`, '--no-runtime-roots', '--no-index']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${join(w.users, 'alice', 'result')} -> ${w.kept}\n`);
  });

  it('as root, a glob through a symlink loop: gc deletes nothing and names it; --allow-unreadable-roots collects', () => {
    const w = world();
    const loop = join(w.root, 'loop');
    symlinkSync(loop, loop);
    const glob = ['--extra-roots', `${loop}/*/result`, '--no-runtime-roots'];
    const gc = w.storegc(['gc', ...glob]);
    expect(gc.status).toBe(1);
    expect(gc.stderr).toMatch(/^storegc: error: nothing deleted: .*ELOOP/m);
    expect(gc.stderr).toContain(`'${loop}'`);
    expect([existsSync(w.kept), existsSync(w.loose)]).toEqual([true, true]);
    const dead = w.storegc(['dead', '--no-index', ...glob]);
    expect(dead.status).toBe(1);
    expect(dead.stdout).toBe([w.kept, w.loose].sort().join('\n') + '\n');
    expect(w.storegc(['gc', '--allow-unreadable-roots', ...glob]).status).toBe(0);
    expect(existsSync(w.loose)).toBe(false);
  });
});

describe.skipIf(!HAVE_NIX)('temproots/ and indirect targets fail closed', () => {
  it('a temproots entry that cannot be opened (ELOOP) stops gc; dead prints and exits 1', () => {
    const w = world();
    const entry = join(w.state, 'temproots', '4242');
    symlinkSync(entry, entry);
    const dead = w.storegc(['dead', '--no-index', '--no-runtime-roots']);
    expect(dead.status).toBe(1);
    expect(dead.stdout).toBe([w.kept, w.loose].sort().join('\n') + '\n');
    expect(warnings(dead.stderr)).toEqual([`storegc: warning: cannot read temporary roots '${entry}' (ELOOP); the paths it protects are unknown`]);
    const gc = w.storegc(['gc', '--no-runtime-roots']);
    expect(gc.status).toBe(1);
    expect(gc.stderr).toContain(`'${entry}'`);
    expect(gc.stderr).not.toMatch(/internal error|\n\s+at /);
    expect([existsSync(w.kept), existsSync(w.loose)]).toEqual([true, true]);
  });

  it('temproots/ itself unreadable (nobody): dead exits 1 naming it', () => {
    const w = world();
    openToNobody(w);
    chmodSync(join(w.state, 'temproots'), 0o700);
    const dead = asNobody(w, ['dead', '--no-index', '--no-runtime-roots']);
    expect(dead.status).toBe(1);
    expect(warnings(dead.stderr)).toEqual([`storegc: warning: cannot read temporary roots '${join(w.state, 'temproots')}' (EACCES); the paths it protects are unknown`]);
  });

  it('an indirect root whose target cannot be looked at (ELOOP) stops gc', () => {
    const w = world();
    const loop = join(w.root, 'loop');
    symlinkSync(loop, loop);
    mkdirSync(join(w.state, 'gcroots', 'auto'), { recursive: true });
    symlinkSync(join(loop, 'result'), join(w.state, 'gcroots', 'auto', 'x'));
    const gc = w.storegc(['gc', '--no-runtime-roots']);
    expect(gc.status).toBe(1);
    expect(gc.stderr).toContain(join(w.state, 'gcroots', 'auto', 'x'));
    expect(existsSync(w.loose)).toBe(true);
    expect(w.storegc(['roots', '--no-index', '--no-runtime-roots']).status).toBe(1);
  });
});

describe.skipIf(!HAVE_NIX)('/proc fails closed', () => {
  it('EACCES on other users\' processes: one warning for the run, exit 1', () => {
    const w = world();
    openToNobody(w);
    const r = asNobody(w, ['roots', '--no-index']);
    expect(r.status).toBe(1);
    const lines = warnings(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^storegc: warning: cannot read [1-9][0-9]* entr(y|ies) under \/proc \(EACCES\); runtime roots of other users' processes are unknown; run as root or pass --no-runtime-roots$/);
    expect(asNobody(w, ['roots', '--no-index', '--no-runtime-roots']).status).toBe(0);
  });

  it('a /proc that cannot be listed, or an entry that cannot be read, stops gc', async () => {
    const w = world();
    const fake = join(w.root, 'proc');
    mkdirSync(join(fake, '4242', 'fd'), { recursive: true });
    mkdirSync(join(fake, '4242', 'maps'));
    writeFileSync(join(fake, '4242', 'environ'), '');
    const collect = (procDir: string): Promise<unknown> => {
      const settings = resolveSettings({ procDir, storeDir: w.store, stateDir: w.state, confDir: join(w.root, 'etc') }, {}, []);
      return collectGarbage(settings, { dryRun: false, maxFreed: UNLIMITED, allowUnreadableRoots: false }, () => {});
    };
    await expect(collect(join(w.root, 'no-proc'))).rejects.toMatchObject({ code: 'unreadable-roots', path: join(w.root, 'no-proc') });
    await expect(collect(fake)).rejects.toMatchObject({ code: 'unreadable-roots', path: join(fake, '4242', 'maps') });
    expect([existsSync(w.kept), existsSync(w.loose)]).toEqual([true, true]);
  });
});
