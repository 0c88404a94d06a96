/**
 * storegc gc beside real Nix 2.8 clients (issue: real collection, concurrency proof). The
 * collector is paused with its lock held and its socket served (STOREGC_TEST_HOLD), so every
 * step below happens while it is mid-run, not by luck of timing.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, exited, hashOf, until } from './nixWorld.js';

const world: NixWorld[] = [];
afterEach(() => world.splice(0).forEach((w) => w.dispose()));

describe.skipIf(!HAVE_NIX)('storegc gc with concurrent Nix clients', () => {
  it('makes nix-store --gc wait for gc.lock, and keeps what a client adds or builds meanwhile', async () => {
    const w = new NixWorld();
    world.push(w);
    const kept = w.addPath(hashOf(1), 'kept');
    const dead = w.addPath(hashOf(2), 'dead', [kept]);
    const rooted = w.addPath(hashOf(3), 'rooted', [kept]);
    w.nix(['--add-root', join(w.state, 'gcroots', 'r'), '--indirect', '-r', rooted]);
    const hold = join(w.root, 'hold');
    writeFileSync(hold, '');

    const gc = w.spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli', 'storegc.js'), 'gc'], { STOREGC_TEST_HOLD: hold });
    await until(() => existsSync(`${hold}.held`), 'storegc to hold gc.lock');

    const nixGc = w.spawn('nix-store', ['--gc']);
    await until(() => nixGc.output.stderr.includes('waiting for the big garbage collector lock...'), 'nix-store --gc to wait');
    expect(nixGc.exitCode).toBeNull();

    // A client adding a path must get its temp root acknowledged over our socket.
    const file = join(w.root, 'hello.txt');
    writeFileSync(file, 'hello\n');
    const added = w.nix(['--add', file]);
    expect(added.status).toBe(0);
    const addedPath = added.stdout.trim();

    // A build in progress holds temp roots on its derivation and its output.
    const drv = w.spawn('nix-instantiate', ['--expr', 'derivation { name = "slow"; builder = "/bin/sh"; args = ["-c" "sleep 2; echo built > $out"]; system = builtins.currentSystem; }']);
    expect(await exited(drv)).toBe(0);
    const drvPath = drv.output.stdout.trim();
    const build = w.spawn('nix-store', ['-r', drvPath]);
    await until(() => w.listStore().some((n) => n.endsWith('-slow.lock') || n.endsWith('-slow')), 'the build to start');

    // Stop the waiting Nix collector before ours resumes, so it cannot tidy up behind our back.
    expect(nixGc.exitCode).toBeNull();
    nixGc.kill('SIGTERM');
    await exited(nixGc);

    rmSync(hold);
    expect(await exited(gc)).toBe(0);
    expect(gc.output.stdout).toBe('1 store paths deleted, 0.00 MiB freed\n');
    expect(existsSync(dead)).toBe(false);
    for (const p of [kept, rooted, addedPath, drvPath]) expect(existsSync(p)).toBe(true);

    expect(await exited(build)).toBe(0);
    const out = build.output.stdout.trim();
    expect(readFileSync(out, 'utf8')).toBe('built\n');
    expect(w.nix(['--check-validity', out, addedPath, drvPath]).status).toBe(0);
    expect(w.nix(['--verify', '--check-contents']).status).toBe(0);
  }, 60_000);

  it('honours a temp root sent over the gc socket for an unregistered path (reference §5.3)', async () => {
    const w = new NixWorld();
    world.push(w);
    const building = join(w.store, `${hashOf(7)}-in-progress`);
    const other = join(w.store, `${hashOf(8)}-partial`);
    mkdirSync(building);
    mkdirSync(`${building}.lock`);
    mkdirSync(other);
    const hold = join(w.root, 'hold');
    writeFileSync(hold, '');
    const gc = w.spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli', 'storegc.js'), 'gc'], { STOREGC_TEST_HOLD: hold });
    await until(() => existsSync(`${hold}.held`), 'storegc to hold gc.lock');

    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(join(w.state, 'gc-socket', 'socket'));
      socket.on('error', reject);
      socket.on('data', (d) => {
        resolve(d.toString());
        socket.end();
      });
      socket.write(`${building}\n`);
    });
    expect(answer).toBe('1');

    rmSync(hold);
    expect(await exited(gc)).toBe(0);
    expect(existsSync(building)).toBe(true);
    expect(existsSync(`${building}.lock`)).toBe(true); // protected by hash part
    expect(existsSync(other)).toBe(false);
    expect(gc.output.stdout).toBe('1 store paths deleted, 0.00 MiB freed\n');
  }, 30_000);

  it('keeps a dead path that gained a referrer after the plan was made, with its closure', async () => {
    const w = new NixWorld();
    world.push(w);
    const base = w.addPath(hashOf(20), 'base');
    const dead = w.addPath(hashOf(21), 'dead', [base]);
    const other = w.addPath(hashOf(22), 'other');
    const hold = join(w.root, 'hold');
    writeFileSync(hold, '');
    const gc = w.spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli', 'storegc.js'), 'gc', '--json'], { STOREGC_TEST_HOLD: hold });
    await until(() => existsSync(`${hold}.held`), 'storegc to hold gc.lock');
    // Registered behind the collector's back (its roots and graph are already read).
    const newcomer = join(w.store, `${hashOf(23)}-newcomer`);
    writeFileSync(newcomer, `${dead}\n`);
    expect(w.nix(['--register-validity'], `${newcomer}\n\n1\n${dead}\n`).status).toBe(0);
    rmSync(hold);
    expect(await exited(gc)).toBe(0);
    const report = JSON.parse(gc.output.stdout);
    expect(report.skipped).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: dead, reason: expect.stringMatching(/in-use|temp-root/) }),
    ]));
    for (const p of [base, dead, newcomer]) expect(existsSync(p)).toBe(true);
    expect(existsSync(other)).toBe(false);
    expect(w.nix(['--verify', '--check-contents']).status).toBe(0);
  }, 30_000);
});
