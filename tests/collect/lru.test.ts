/**
 * `gc --order lru --max-freed X` (issue 9): with access and registration times set by the test,
 * the end state equals `nix-store --gc` on the same store (snapshotted and restored) where the
 * paths LRU must keep were made roots by hand; the dry run lists the same paths in the same
 * order; and the JSON, the history and the metrics say what the budget kept.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from './nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.dispose();
});

const DAY = 86_400;
const BODY = 'x'.repeat(10_000);

interface Planned {
  deleted: string[];
  order: string;
  limitReached: boolean;
  keptByPolicy: Record<string, { paths: number; narSize: number }>;
}

/**
 * Six dead paths whose byte order (Nix's order) is not their LRU order, and a live one:
 *   a-new  used 1 day ago         b-old  used 30 days ago      c-app  used 2 days ago, refers to d-lib
 *   d-lib  used 60 days ago (but c-app's use is its use: 2 days)
 *   e-dir  a directory whose file was read 20 days ago (its own atime and its subdirectory's, both
 *          now, do not count: listing a directory is no use, and storegc's measurement lists them)
 *   f-unrecorded  atime not after mtime: its registration, 10 days ago, counts
 * LRU order: b-old, e-dir, f-unrecorded, c-app, d-lib, a-new.
 */
function lruWorld(): { w: NixWorld; p: Record<string, string>; applyTimes: () => void } {
  const w = new NixWorld();
  worlds.push(w);
  const live = w.addPath(hashOf(9), 'g-live', [], BODY);
  expect(w.nix(['--add-root', join(w.state, 'gcroots', 'live'), '-r', live]).status).toBe(0);
  const d = w.addPath(hashOf(4), 'd-lib', [], BODY);
  const p: Record<string, string> = {
    a: w.addPath(hashOf(1), 'a-new', [], BODY),
    b: w.addPath(hashOf(2), 'b-old', [], BODY),
    c: w.addPath(hashOf(3), 'c-app', [d], BODY),
    d,
    f: w.addPath(hashOf(6), 'f-unrecorded', [], BODY),
  };
  const dir = join(w.store, `${hashOf(5)}-e-dir`);
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'file'), BODY);
  chmodSync(dir, 0o555);
  expect(w.nix(['--register-validity'], `${dir}\n\n0\n`).status).toBe(0);
  p.e = dir;

  const now = Math.floor(Date.now() / 1000);
  const db = new Database(join(w.state, 'db', 'db.sqlite'));
  db.prepare('update ValidPaths set registrationTime = ?').run(now - 90 * DAY);
  db.prepare('update ValidPaths set registrationTime = ? where path = ?').run(now - 10 * DAY, p.f);
  db.close();
  const used = { a: 1, b: 30, c: 2, d: 60 } as const;
  // mtime 1, as Nix leaves every store path; f's atime is not after it: not recorded.
  const applyTimes = (): void => {
    for (const [k, days] of Object.entries(used)) utimesSync(p[k]!, now - days * DAY, 1);
    utimesSync(join(dir, 'file'), now - 20 * DAY, 1);
    utimesSync(join(dir, 'sub'), now, 1);
    utimesSync(dir, now, 1);
    utimesSync(p.f!, 1, 1);
  };
  return { w, p, applyTimes };
}

describe.runIf(HAVE_NIX)('gc --order lru', () => {
  it('under --max-freed deletes the least recently used, as nix-store --gc with the others rooted by hand; the dry run agrees', () => {
    const { w, p, applyTimes } = lruWorld();
    // 25000 bytes: the run stops after the third 10000-byte path.
    const budget = ['--max-freed', '25000', '--no-runtime-roots'];
    const lru = [p.b!, p.e!, p.f!];

    // Nix, with the paths LRU keeps made roots by hand, on a snapshot of the same store.
    const saved = `${w.root}.saved`;
    expect(spawnSync('cp', ['-a', w.root, saved]).status).toBe(0);
    for (const k of ['a', 'c', 'd']) expect(w.nix(['--add-root', join(w.state, 'gcroots', `keep-${k}`), '-r', p[k]!]).status).toBe(0);
    expect(w.nix(['--gc']).status).toBe(0);
    const expected = { store: w.listStore(), db: w.dbRows() };
    rmSync(w.root, { recursive: true, force: true });
    renameSync(saved, w.root);

    applyTimes();
    const dry = w.storegc(['gc', '--dry-run', '--json', ...budget]);
    expect(dry.status, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout) as Planned;
    expect(planned.order).toBe('lru');
    expect(planned.deleted).toEqual(lru);
    expect(planned.limitReached).toBe(true);
    const narSize = (paths: string[]): number => {
      const db = new Database(join(w.state, 'db', 'db.sqlite'), { readonly: true });
      try {
        return paths.reduce((sum, path) => sum + (db.prepare('select narSize from ValidPaths where path = ?').pluck().get(path) as number), 0);
      } finally {
        db.close();
      }
    };
    expect(planned.keptByPolicy).toEqual({ budget: { paths: 3, narSize: narSize([p.c!, p.d!, p.a!]) } });
    // The text dry run lists the paths in deletion order, and what the budget kept.
    const text = w.storegc(['gc', '--dry-run', ...budget]).stdout.trim().split('\n');
    expect(text.slice(0, 3)).toEqual(lru);
    expect(text.at(-1)).toBe(`kept by policy: budget 3 paths (${(narSize([p.c!, p.d!, p.a!]) / 2 ** 20).toFixed(2)} MiB narSize)`);
    // Nix's order under the same budget would delete others: the case tells the orders apart.
    const nixOrder = JSON.parse(w.storegc(['gc', '--dry-run', '--json', '--order', 'nix', ...budget]).stdout) as Planned;
    expect(nixOrder.order).toBe('nix');
    expect(nixOrder.deleted.sort()).not.toEqual([...lru].sort());

    // The dry runs read e-dir and e-dir/sub, which sets their atimes: it changes nothing here.
    const metrics = join(w.root, 'storegc.prom');
    const real = w.storegc(['gc', '--json', '--metrics-file', metrics, ...budget]);
    expect(real.status, real.stderr).toBe(0);
    const done = JSON.parse(real.stdout) as Planned;
    expect(done.deleted).toEqual(planned.deleted);
    expect(done.keptByPolicy).toEqual(planned.keptByPolicy);
    expect({ store: w.listStore(), db: w.dbRows() }).toEqual(expected);

    // Recorded: the history and the metrics say what the budget kept.
    const history = JSON.parse(w.storegc(['history', '--json', '-n', '1']).stdout) as { runs: { order: string; keptByPolicy: Record<string, { paths: number; narSize: string }> }[] };
    expect(history.runs[0]).toMatchObject({ order: 'lru', keptByPolicy: { budget: { paths: 3, narSize: String(narSize([p.c!, p.d!, p.a!])) } } });
    expect(w.storegc(['history', '-n', '1']).stdout).toContain('; kept by policy: budget 3 paths');
    expect(readFileSync(metrics, 'utf8')).toMatch(/^storegc_kept_by_policy_paths\{policy="budget"\} 3$/m);
  });

  it('is the default under a budget, Nix\'s order without one, and refuses another value', () => {
    const { w, applyTimes } = lruWorld();
    applyTimes();
    const order = (args: string[]): string => (JSON.parse(w.storegc(['gc', '--dry-run', '--json', '--no-runtime-roots', ...args]).stdout) as Planned).order;
    expect(order(['--max-freed', '1G'])).toBe('lru');
    expect(order([])).toBe('nix');
    expect(order(['--order', 'lru'])).toBe('lru');
    expect(order(['--max-freed', '1G', '--order', 'nix'])).toBe('nix');
    for (const bad of ['LRU', 'fifo', '']) {
      const r = w.storegc(['gc', '--no-runtime-roots', '--order', bad]);
      expect(r.status, bad).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([`storegc: error: --order must be lru or nix, got '${bad}'; pass --order lru (least recently used first) or --order nix`]);
    }
    expect(w.listStore()).toHaveLength(7);
  });
});
