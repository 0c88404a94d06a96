/**
 * Crash safety of a whole policy run (issue 9): `storegc gc -d --prune-auto-roots 5d
 * --metrics-file F` SIGKILLed during generation removal, aged-root pruning, deletion, the stale
 * `auto/` links, the WAL checkpoint and VACUUM (and in the middle of VACUUM itself): after each
 * kill `nix-store --verify --check-contents` is clean and every live path intact; the next run
 * with the same flags reaches the end state of an uninterrupted run (profiles, roots, outside
 * links, store, database rows, no VACUUM owed, the metrics file), and the history holds the
 * killed run, shown as interrupted, and the re-run.
 *
 * The kill points come from the uninterrupted run's own trace (STOREGC_TEST_CRASH_TRACE): the
 * first and the last of each kind, so every phase at its start and its end (crash.test.ts kills
 * deletion at fifty points).
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunHistory } from '../../src/records/history.js';
import { HAVE_NIX, MAIN, NixWorld, exited, hashOf } from './nixWorld.js';

const FLAGS = ['gc', '-d', '--prune-auto-roots', '5d', '--no-runtime-roots', '--quiet'];
/** Database rows of this many bytes make VACUUM copy megabytes, long enough to be killed inside. */
const SIG_BYTES = 1 << 20;

interface World {
  readonly w: NixWorld;
  readonly saved: string;
  readonly live: string[];
  readonly metrics: string;
}

let world: World;
beforeAll(() => {
  if (HAVE_NIX) world = buildWorld();
}, 120_000);
afterAll(() => {
  if (world === undefined) return;
  world.w.dispose();
  rmSync(world.saved, { recursive: true, force: true });
  rmSync(`${world.w.root}.trace`, { force: true });
});

/**
 * Two profiles made by nix-env (4 and 3 generations: -d removes 5, whose `auto/` links nix-env
 * made go stale), three indirect roots whose result links are 10 days old (pruned) and one new
 * (kept), two whose result links are gone (stale: 7 in all), a live closure and dead paths, every row carrying SIG_BYTES of signatures: deletion
 * frees well over a quarter of the pages, so VACUUM runs. Saved with `cp -a` (link mtimes kept).
 */
function buildWorld(): World {
  const w = new NixWorld();
  const home = join(w.root, 'home');
  mkdirSync(home);
  mkdirSync(join(w.root, 'metrics'));
  const lib = w.addPath(hashOf(1), 'lib');
  const live = [lib];
  const gen = (i: number): string => w.addPath(hashOf(100 + i), `gen-${i}`, [lib]);
  for (const [name, count] of [['a', 4], ['b', 3]] as const) {
    const profile = join(w.state, 'profiles', name);
    for (let i = 0; i < count; i++) {
      const r = spawnSync('nix-env', ['-p', profile, '--set', gen(name === 'a' ? i : 10 + i)], { env: w.env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    live.push(readlinkSync(join(w.state, 'profiles', readlinkSync(profile))));
  }
  for (let i = 0; i < 6; i++) {
    const path = w.addPath(hashOf(200 + i), `result-${i}`, [lib]);
    const link = join(home, `result-${i}`);
    expect(w.nix(['--add-root', link, '--indirect', '-r', path]).status).toBe(0);
    if (i < 3) expect(spawnSync('touch', ['-h', '-d', '10 days ago', link]).status).toBe(0);
    else if (i === 3) live.push(path);
    else rmSync(link);
  }
  for (let i = 0; i < 8; i++) w.addPath(hashOf(300 + i), `dead-${i}`, i === 0 ? [] : [join(w.store, `${hashOf(299 + i)}-dead-${i - 1}`)]);
  const direct = w.addPath(hashOf(2), 'direct', [lib]);
  expect(w.nix(['--add-root', join(w.state, 'gcroots', 'direct'), '-r', direct]).status).toBe(0);
  live.push(direct);
  const db = new Database(join(w.state, 'db', 'db.sqlite'));
  db.prepare('update ValidPaths set sigs = ?').run('x'.repeat(SIG_BYTES));
  db.close();
  const saved = `${w.root}.saved`;
  expect(spawnSync('cp', ['-a', w.root, saved]).status).toBe(0);
  return { w, saved, live, metrics: join(w.root, 'metrics', 'storegc.prom') };
}

function restore(): void {
  const { w, saved } = world;
  // The store's directories are read-only: dispose() makes them writable, then removes all.
  w.dispose();
  expect(spawnSync('cp', ['-a', saved, w.root]).status).toBe(0);
}

/** Every entry under `dir` (recursively), with link targets: `name -> target`. */
function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = `${prefix}${e.name}`;
    if (e.isSymbolicLink()) return [`${rel} -> ${readlinkSync(join(dir, e.name))}`];
    return e.isDirectory() ? [`${rel}/`, ...tree(join(dir, e.name), `${rel}/`)] : [rel];
  }).sort();
}

/** What a run leaves: the outcome the next run must reach after any kill. */
function endState(): object {
  const { w } = world;
  const file = join(w.state, 'db', 'db.sqlite');
  const db = new Database(file, { readonly: true });
  const owed = (db.pragma('freelist_count', { simple: true }) as number) / (db.pragma('page_count', { simple: true }) as number) >= 0.25;
  db.close();
  return {
    // A kill while a profile is locked can leave its empty `X.lock`, as nix-env's own can: inert,
    // reused and removed by the next holder (see removeGenerations.ts).
    profiles: tree(join(w.state, 'profiles')).filter((l) => !l.endsWith('.lock')),
    gcroots: tree(join(w.state, 'gcroots')),
    home: tree(join(w.root, 'home')),
    store: w.listStore(),
    db: w.dbRows(),
    vacuumOwed: owed,
    metrics: tree(join(w.root, 'metrics')),
  };
}

interface Point {
  readonly n: number;
  readonly label: string;
}

function readTrace(file: string): Point[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => {
    const [n, label] = l.split(' ');
    return { n: Number(n), label: label! };
  }).sort((a, b) => a.n - b.n);
}

/** Checks after a kill: Nix verifies the store, every live path is there, and what the killed run left is recorded. */
function assertSafe(): void {
  const { w, live } = world;
  const verify = w.nix(['--verify', '--check-contents']);
  expect(verify.status, verify.stderr).toBe(0);
  expect(verify.stderr).not.toMatch(/disappeared|modified|error/);
  expect(w.nix(['--check-validity', ...live]).status).toBe(0);
}

/** The re-run: exit 0, the reference end state, and the history: the killed run then this one. */
function assertConverges(expected: object, killedOutcome: string): void {
  const { w, metrics } = world;
  const again = w.storegc([...FLAGS, '--metrics-file', metrics]);
  expect(again.status, again.stderr).toBe(0);
  expect(endState()).toEqual(expected);
  // Read as `storegc history` reads it (a node process less per kill).
  const history = RunHistory.open(join(w.state, 'storegc', 'history.sqlite'));
  try {
    expect(history.latest(5).map((r) => (r.interrupted ? 'interrupted' : r.run.outcome))).toEqual(['success', killedOutcome]);
  } finally {
    history.close();
  }
}

/**
 * Kills `pid` once the database's WAL, truncated by the checkpoint before VACUUM (the trace says
 * when), has grown past `bytes` again: VACUUM is then writing the new database into it, not done.
 */
function killInsideVacuum(pid: number, trace: string, wal: string, bytes: number): Worker {
  const code = `
    const { readFileSync, statSync } = require('node:fs');
    const { workerData: d } = require('node:worker_threads');
    const end = Date.now() + 60000;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    let checkpointed = false;
    while (Date.now() < end) {
      try {
        // Until the checkpoint, a look every millisecond; then as fast as it can (VACUUM takes a few).
        if (!checkpointed) {
          Atomics.wait(nap, 0, 0, 1);
          checkpointed = readFileSync(d.trace, 'utf8').includes(' wal-checkpointed\\n');
        } else if (statSync(d.wal).size >= d.bytes) { process.kill(d.pid, 'SIGKILL'); break; }
        process.kill(d.pid, 0);
      } catch (e) {
        if (e.code === 'ESRCH') break;
      }
    }`;
  return new Worker(code, { eval: true, workerData: { pid, trace, wal, bytes } });
}

describe.runIf(HAVE_NIX)('crash safety of generations, aged roots, stale links and VACUUM', () => {
  it('converges after a SIGKILL at the start and the end of every phase, and inside VACUUM', async () => {
    const { w, metrics } = world;
    // The uninterrupted run, traced: the reference end state and the points to kill at.
    const refTrace = `${w.root}.trace`;
    rmSync(refTrace, { force: true });
    const ref = w.storegc([...FLAGS, '--metrics-file', metrics, '--json'], { STOREGC_TEST_CRASH_TRACE: refTrace });
    expect(ref.status, ref.stderr).toBe(0);
    const report = JSON.parse(ref.stdout) as { generationsRemoved: unknown[]; autoRootsRemoved: unknown[]; staleLinksRemoved: unknown[]; database: { vacuumed: boolean } };
    expect([report.generationsRemoved.length, report.autoRootsRemoved.length, report.staleLinksRemoved.length, report.database.vacuumed]).toEqual([5, 3, 7, true]);
    const expected = endState();
    const points = readTrace(refTrace);
    rmSync(refTrace);
    expect(points.map((p) => p.n)).toEqual(points.map((_, i) => i + 1));
    const count = (label: string): number => points.filter((p) => p.label === label).length;
    expect([count('generation-unlinked'), count('outside-link-unlinked'), count('auto-link-unlinked'), count('stale-link-unlinked')]).toEqual([5, 3, 3, 7]);
    expect([count('wal-checkpointed'), count('vacuumed'), count('vacuum-checkpointed'), count('metrics-written')]).toEqual([1, 1, 1, 1]);
    // The first and the last point of each kind: every phase, its start and its end.
    const chosen = [...new Set([...new Set(points.map((p) => p.label))].flatMap((label) => {
      const all = points.filter((p) => p.label === label);
      return [all[0]!, all.at(-1)!];
    }))].sort((a, b) => a.n - b.n);
    expect(chosen.length).toBeGreaterThanOrEqual(15);

    for (const point of chosen) {
      restore();
      const trace = join(w.root, 'trace');
      const killed = w.spawn(process.execPath, [MAIN, ...FLAGS, '--metrics-file', metrics], { STOREGC_TEST_CRASH_AT: String(point.n), STOREGC_TEST_CRASH_TRACE: trace });
      await exited(killed);
      expect(killed.signalCode, `${point.n} ${point.label}: ${killed.output.stderr}`).toBe('SIGKILL');
      expect(readTrace(trace).at(-1)).toEqual(point);
      rmSync(trace);
      assertSafe();
      // Killed while writing the metrics, the run itself is complete and recorded so.
      assertConverges(expected, point.label === 'metrics-written' ? 'success' : 'interrupted');
    }

    // Inside VACUUM: killed while it writes the new database; SQLite rolls it back and the free
    // pages wait for the next run. The kill races VACUUM (no crash point can sit inside it): on a
    // busy machine the run may finish first, which is then checked as an uninterrupted run, and
    // the test tries again, up to six times, until a kill has landed inside VACUUM.
    let insideVacuum = 0;
    for (let run = 0; run < 6 && insideVacuum === 0; run++) {
      restore();
      const trace = join(w.root, 'trace');
      const wal = join(w.state, 'db', 'db.sqlite-wal');
      const gc = w.spawn(process.execPath, [MAIN, ...FLAGS, '--metrics-file', metrics], { STOREGC_TEST_CRASH_TRACE: trace });
      const killer = killInsideVacuum(gc.pid!, trace, wal, ((run % 2) + 1) * SIG_BYTES);
      await exited(gc);
      await killer.terminate();
      if (gc.signalCode === null) {
        expect(gc.exitCode, gc.output.stderr).toBe(0);
        rmSync(trace, { force: true });
        assertSafe();
        expect(endState()).toEqual(expected);
        continue;
      }
      expect(gc.signalCode, gc.output.stderr).toBe('SIGKILL');
      // Killed after the checkpoint; inside VACUUM if it had not committed (the pages are still free).
      const last = readTrace(trace).at(-1)!.label;
      expect(['wal-checkpointed', 'vacuumed', 'vacuum-checkpointed']).toContain(last);
      if (last === 'wal-checkpointed' && (endState() as { vacuumOwed: boolean }).vacuumOwed) insideVacuum++;
      assertSafe();
      assertConverges(expected, 'interrupted');
    }
    expect(insideVacuum).toBeGreaterThan(0);
  }, 300_000);
});
