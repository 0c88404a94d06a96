/**
 * Bad input fails closed: empty or relative locations, contradictory or malformed flags, and a
 * database storegc must not read each get exit 2 and one line naming what is wrong (and, under
 * --json, a JSON error object on stdout) — before anything is created or deleted.
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from '../collect/nixWorld.js';

const worlds: NixWorld[] = [];
const world = (): NixWorld => {
  const w = new NixWorld();
  worlds.push(w);
  return w;
};
afterEach(() => {
  for (const w of worlds.splice(0)) w.dispose();
});

/** The one error line (progress lines of `gc` aside), with no stack trace. */
const oneLine = (stderr: string): string => {
  const lines = stderr.trimEnd().split('\n').filter((l) => !/^[a-z /-]+\.\.\.$/.test(l));
  expect(lines).toHaveLength(1);
  expect(stderr).not.toContain('    at ');
  return lines[0]!;
};

describe.runIf(HAVE_NIX)('bad locations and flags', () => {
  it('refuses empty and relative locations of every flag and variable, deleting nothing', () => {
    const w = world();
    const dead = w.addPath(hashOf(1), 'dead');
    const cases: { args: string[]; env?: Record<string, string>; says: RegExp }[] = [
      { args: ['--state-dir', ''], says: /--state-dir is empty/ },
      { args: ['--root', ''], says: /--root is empty/ },
      { args: ['--store-dir', ''], says: /--store-dir is empty/ },
      { args: ['--conf-dir', ''], says: /--conf-dir is empty/ },
      { args: [], env: { NIX_STATE_DIR: '' }, says: /NIX_STATE_DIR is empty/ },
      { args: [], env: { NIX_STORE_DIR: '' }, says: /NIX_STORE_DIR is empty/ },
      { args: [], env: { NIX_CONF_DIR: '' }, says: /NIX_CONF_DIR is empty/ },
      { args: ['--store-dir', 'store'], says: /--store-dir must be an absolute path.*'store'/ },
      { args: ['--state-dir', 'var'], says: /--state-dir must be an absolute path.*'var'/ },
      { args: ['--root', 'r'], says: /--root must be an absolute path/ },
      { args: [], env: { NIX_STATE_DIR: 'var' }, says: /NIX_STATE_DIR must be an absolute path/ },
      { args: ['--extra-roots', ''], says: /--extra-roots needs an absolute glob, got an empty one/ },
      { args: ['--extra-roots', 'home/*'], says: /--extra-roots needs an absolute glob, got a relative one/ },
    ];
    for (const { args, env, says } of cases) {
      for (const command of ['dead', 'gc']) {
        const r = w.storegc([command, '--no-runtime-roots', ...args], env);
        expect(r.status, `${command} ${args.join(' ')} ${JSON.stringify(env)}`).toBe(2);
        expect(oneLine(r.stderr)).toMatch(says);
      }
    }
    // The index flag takes a file: the same rule.
    for (const index of ['', 'rel.sqlite']) expect(w.storegc(['roots', '--no-runtime-roots', '--index', index]).status).toBe(2);
    expect(existsSync(dead)).toBe(true);
  });

  it('refuses malformed or contradictory flags', () => {
    const w = world();
    w.addPath(hashOf(1), 'dead');
    for (const size of ['-1', ' 5', '5 ', '1.5M', '', '5X']) {
      const r = w.storegc(['gc', '--no-runtime-roots', '--max-freed', size]);
      expect(r.status, `--max-freed '${size}'`).toBe(2);
      oneLine(r.stderr);
    }
    const both = w.storegc(['roots', '--index', join(w.root, 'i.sqlite'), '--no-index']);
    expect(both.status).toBe(2);
    expect(oneLine(both.stderr)).toContain('--index and --no-index contradict each other');
    expect(w.listStore()).toHaveLength(1);
  });

  it('validates the state dir before creating anything in it', () => {
    const w = world();
    const wrong = join(w.root, 'elsewhere');
    const { mkdirSync } = require('node:fs') as typeof import('node:fs');
    mkdirSync(wrong);
    const r = w.storegc(['gc', '--no-runtime-roots', '--state-dir', wrong]);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toContain('Nix database not found');
    expect(readdirSync(wrong)).toEqual([]);
  });

  it('writes a JSON error object on stdout under --json, for every kind of failure', () => {
    const w = world();
    const missing = JSON.parse(w.storegc(['gc', '--json', '--state-dir', join(w.root, 'nowhere')]).stdout) as { schemaVersion: number; command: string; error: Record<string, unknown> };
    expect(missing).toEqual({
      schemaVersion: 1,
      command: 'gc',
      error: { code: 'db-missing', path: join(w.root, 'nowhere', 'db', 'db.sqlite'), message: 'Nix database not found', hint: expect.stringContaining('--state-dir') as unknown },
    });
    const usage = w.storegc(['dead', '--json', '--bogus']);
    expect(usage.status).toBe(2);
    expect(JSON.parse(usage.stdout)).toMatchObject({ command: 'dead', error: { code: 'usage', message: "unknown option '--bogus'" } });
    const index = w.storegc(['index', 'verify', '--json', '--index', join(w.root, 'none.sqlite')]);
    expect(index.status).toBe(1);
    expect(JSON.parse(index.stdout)).toMatchObject({ command: 'index verify', error: { code: 'index-missing' } });
  });
});

describe.runIf(HAVE_NIX)('a database storegc must not read', () => {
  it('refuses another schema version as Nix does, and collects nothing', () => {
    const w = world();
    const dead = w.addPath(hashOf(1), 'dead');
    writeFileSync(join(w.state, 'db', 'schema'), '11');
    const nix = w.nix(['--gc', '--print-dead']);
    expect(nix.status).toBe(1);
    expect(nix.stderr).toContain('current Nix store schema is version 11, but I only support 10');
    for (const command of ['dead', 'gc']) {
      const r = w.storegc([command, '--no-runtime-roots']);
      expect(r.status).toBe(2);
      expect(oneLine(r.stderr)).toContain('current Nix store schema is version 11, but I only support 10');
    }
    writeFileSync(join(w.state, 'db', 'schema'), '9');
    expect(oneLine(w.storegc(['gc', '--no-runtime-roots']).stderr)).toContain('schema is version 9');
    expect(existsSync(dead)).toBe(true);
  });

  it('refuses a database without the columns Nix has', () => {
    const w = world();
    const db = new Database(join(w.state, 'db', 'db.sqlite'));
    db.exec('drop table DerivationOutputs; create table DerivationOutputs (drv integer, path text)');
    db.close();
    const r = w.storegc(['dead', '--no-runtime-roots']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toContain('not a Nix database (table DerivationOutputs lacks id)');
  });

  it("refuses another store's database unless --force", () => {
    const [a, b] = [world(), world()];
    const live = a.addPath(hashOf(1), 'live');
    a.nix(['--add-root', join(a.root, 'r'), '--indirect', '-r', live]);
    b.addPath(hashOf(2), 'other');
    // b's state dir (its database registers b's store paths) with a's store: another store dir.
    const mixed = a.storegc(['gc', '--no-runtime-roots', '--state-dir', b.state]);
    expect(mixed.status).toBe(2);
    expect(oneLine(mixed.stderr)).toMatch(/does not hold the paths of this database \(it registers .*-other\)/);
    expect(existsSync(live)).toBe(true);

    // The same store dir string, another store: a chroot-style copy whose database is empty
    // (more entries than builds in progress would leave).
    for (let i = 10; i < 30; i++) a.addPath(hashOf(i), `p${i}`);
    const empty = world();
    const chroot = join(empty.root, 'chroot');
    const { cpSync } = require('node:fs') as typeof import('node:fs');
    cpSync(a.store, join(chroot, a.store), { recursive: true });
    cpSync(empty.state, join(chroot, a.state), { recursive: true });
    const args = ['--no-runtime-roots', '--root', chroot, '--store-dir', a.store, '--state-dir', join(chroot, a.state)];
    for (const command of ['dead', 'gc']) {
      const r = a.storegc([command, ...args]);
      expect(r.status, command).toBe(2);
      expect(oneLine(r.stderr)).toMatch(/none of the 21 store entries is registered/);
    }
    expect(readdirSync(join(chroot, a.store)).filter((n) => n !== '.links')).toHaveLength(21);
    const forced = a.storegc(['gc', ...args, '--force']);
    expect(forced.status).toBe(0);
    expect(readdirSync(join(chroot, a.store)).filter((n) => n !== '.links')).toHaveLength(0);
  });
});

describe.runIf(HAVE_NIX)('a store directory that cannot be listed', () => {
  // live and dead list it on a thread while the database is read (src/snapshot/listingThread.ts):
  // its error must come back as the same one line, not as a thread's failure.
  it('stops live, dead and gc with one line naming it, under --json too', () => {
    const w = world();
    const dead = w.addPath(hashOf(1), 'dead');
    const moved = `${w.store}.moved`;
    const { renameSync } = require('node:fs') as typeof import('node:fs');
    renameSync(w.store, moved);
    writeFileSync(w.store, 'not a directory');
    for (const command of ['live', 'dead', 'gc']) {
      const r = w.storegc([command, '--no-runtime-roots']);
      expect(r.status, command).toBe(2);
      expect(oneLine(r.stderr), command).toMatch(/store directory not found/);
      const json = w.storegc([command, '--no-runtime-roots', '--json']);
      expect(json.status, command).toBe(2);
      expect(JSON.parse(json.stdout.toString()).error.code, command).toBe('store-missing');
    }
    const { rmSync } = require('node:fs') as typeof import('node:fs');
    rmSync(w.store);
    renameSync(moved, w.store);
    expect(existsSync(dead)).toBe(true);
  });
});
