/**
 * Reference §3.3 step 2 under a chroot-style root (`--root DIR`, Nix's `--store DIR`): an
 * indirect root's outside target is looked at inside DIR and on the host (README, deviation 4).
 * `nix-store --store DIR --add-root /host/result --indirect` makes the outside link on the host,
 * and Nix 2.8 reads it there: storegc must agree. A link made inside DIR only is kept by storegc
 * (Nix 2.8 takes it as stale). The auto/ link is stale only when the target is missing in both.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { FAST_TMP, MAIN } from '../collect/nixWorld.js';
import { describeWithNix } from '../support/nixGuard.js';

interface Run { status: number | null; stdout: string; stderr: string }

const worlds: string[] = [];
afterEach(() => worlds.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** DIR/r is the chroot-style root (logical store /nix/store inside it); DIR/etc holds nix.conf. */
class RootedWorld {
  readonly dir = mkdtempSync(join(FAST_TMP, 'storegc-rooted-'));
  readonly root = join(this.dir, 'r');
  readonly auto = join(this.root, 'nix/var/nix/gcroots/auto');
  private readonly env: Record<string, string>;

  constructor() {
    worlds.push(this.dir);
    mkdirSync(join(this.dir, 'etc'));
    writeFileSync(join(this.dir, 'etc', 'nix.conf'), 'sandbox = false\nbuild-users-group =\n');
    const env = { ...process.env } as Record<string, string>;
    for (const k of ['NIX_STORE_DIR', 'NIX_STATE_DIR', 'NIX_LOG_DIR', 'NIX_REMOTE']) delete env[k];
    this.env = { ...env, NIX_CONF_DIR: join(this.dir, 'etc') };
  }

  nix(args: string[]): Run {
    const r = spawnSync('nix-store', ['--store', this.root, ...args], { env: this.env, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  storegc(command: string, ...args: string[]): Run {
    const r = spawnSync(process.execPath, [MAIN, command, '--root', this.root, '--no-runtime-roots', ...(command === 'gc' ? [] : ['--no-index']), ...args], { env: this.env, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** A store path (logical name) added by Nix. */
  add(name: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, `${name}\n`);
    const r = this.nix(['--add', file]);
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  }

  /** Where a logical store path's files are. */
  real(path: string): string {
    return join(this.root, path);
  }

  autoLinks(): string[] {
    return readdirSync(this.auto);
  }
}

/** Nix's runtime roots are its own business here (storegc runs with --no-runtime-roots). */
const permanent = (out: string): string => out.split('\n').filter((l) => !l.startsWith('/proc/')).join('\n');

describeWithNix('indirect roots under --root (§3.3, README deviation 4)', () => {
  it('a link Nix made on the host (--add-root --indirect) is a root, as for nix-store --store DIR', () => {
    const w = new RootedWorld();
    const kept = w.add('kept');
    const unrooted = w.add('unrooted');
    const hostLink = join(w.dir, 'result');
    const made = w.nix(['-r', kept, '--add-root', hostLink, '--indirect']);
    expect(made.status, made.stderr).toBe(0);
    expect(w.autoLinks()).toHaveLength(1);

    const roots = w.storegc('roots');
    expect(roots.status, roots.stderr).toBe(0);
    expect(roots.stdout).toBe(`${hostLink} -> ${kept}\n`);
    expect(roots.stdout).toBe(permanent(w.nix(['--gc', '--print-roots']).stdout));
    const dead = w.storegc('dead');
    expect(dead.status, dead.stderr).toBe(0);
    expect(dead.stderr).not.toMatch(/stale/);
    expect(dead.stdout).toBe(`${unrooted}\n`);
    expect(dead.stdout).toBe(w.nix(['--gc', '--print-dead']).stdout);

    const gc = w.storegc('gc');
    expect(gc.status, gc.stderr).toBe(0);
    expect(existsSync(w.real(kept))).toBe(true);
    expect(existsSync(w.real(unrooted))).toBe(false);
    expect(w.autoLinks()).toHaveLength(1);
  });

  it('a link made inside the root only still counts (Nix 2.8 takes it as stale and drops it)', () => {
    const w = new RootedWorld();
    const kept = w.add('kept-inside');
    const logical = join(w.dir, 'inside-only', 'result');
    mkdirSync(join(w.root, logical, '..'), { recursive: true });
    symlinkSync(kept, join(w.root, logical));
    mkdirSync(w.auto, { recursive: true });
    symlinkSync(logical, join(w.auto, 'inside'));
    expect(existsSync(logical)).toBe(false);

    expect(w.storegc('roots').stdout).toBe(`${logical} -> ${kept}\n`);
    expect(w.storegc('dead').stdout).toBe('');
    const gc = w.storegc('gc');
    expect(gc.status, gc.stderr).toBe(0);
    expect(existsSync(w.real(kept))).toBe(true);
    expect(w.autoLinks()).toEqual(['inside']);
    // The deviation: Nix reads the target on the host only, removes the link and finds no root.
    const nixDead = w.nix(['--gc', '--print-dead']);
    expect(nixDead.stderr).toContain(`removing stale link from '${join(w.auto, 'inside')}' to '${logical}'`);
    expect(nixDead.stdout).toBe(`${kept}\n`);
  });

  it('a target in both places gives both roots; missing in both, the link is stale for both tools', () => {
    const w = new RootedWorld();
    const [onHost, inside, unrooted] = [w.add('on-host'), w.add('inside'), w.add('unrooted')];
    const logical = join(w.dir, 'both', 'result');
    mkdirSync(join(logical, '..'), { recursive: true });
    symlinkSync(onHost, logical);
    mkdirSync(join(w.root, logical, '..'), { recursive: true });
    symlinkSync(inside, join(w.root, logical));
    mkdirSync(w.auto, { recursive: true });
    symlinkSync(logical, join(w.auto, 'both'));
    symlinkSync(join(w.dir, 'gone', 'result'), join(w.auto, 'gone'));

    expect(w.storegc('roots').stdout).toBe([`${logical} -> ${inside}`, `${logical} -> ${onHost}`].sort().join('\n') + '\n');
    const dead = w.storegc('dead');
    expect(dead.stdout).toBe(`${unrooted}\n`);
    expect(dead.stderr).toContain(`stale link from '${join(w.auto, 'gone')}'`);
    const gc = w.storegc('gc');
    expect(gc.status, gc.stderr).toBe(0);
    expect([onHost, inside, unrooted].map((p) => existsSync(w.real(p)))).toEqual([true, true, false]);
    expect(w.autoLinks()).toEqual(['both']);
  });
}, { concurrent: false });
