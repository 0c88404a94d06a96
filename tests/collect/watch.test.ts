/**
 * `storegc watch`: below --min-free it collects as gc does, each run recorded with trigger
 * `watch` (and the metrics file rewritten); runs that free too little double the interval; a
 * check with enough free space runs nothing; SIGTERM or SIGINT stops it with exit 0 whether idle
 * or mid-run, gc.lock released, and a run it stopped recorded as stopped.
 */
import { closeSync, constants, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tryLockExclusive } from '../../src/store/flock.js';
import { HAVE_NIX, MAIN, NixWorld, exited, hashOf, until } from './nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => worlds.splice(0).forEach((w) => w.dispose()));

interface CheckLine {
  event: 'check' | 'stopped';
  at: string;
  fired: boolean;
  free: number;
  minFree: number;
  nextCheckSeconds: number | null;
  backingOff: boolean;
  aimedBytes: number | null;
  freedBytes: number | null;
  run: { paths: number; interrupted: string | null } | null;
  signal?: string;
  interruptedRun?: boolean;
}

interface HistoryJson {
  runs: { trigger: string; outcome: string; dryRun: boolean; pathsDeleted: number; error: { code: string } | null }[];
}

const lines = (stdout: string): CheckLine[] => stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as CheckLine);

/** A live path rooted indirectly and `dead` unrooted ones. */
function world(dead: number): { w: NixWorld; live: string; deadPaths: string[] } {
  const w = new NixWorld();
  worlds.push(w);
  const live = w.addPath(hashOf(0), 'live');
  expect(w.nix(['--add-root', join(w.state, 'gcroots', 'live'), '-r', live]).status).toBe(0);
  const deadPaths = Array.from({ length: dead }, (_, i) => w.addPath(hashOf(i + 1), `dead-${i}`, i === 0 ? [] : [join(w.store, `${hashOf(i)}-dead-${i - 1}`)]));
  return { w, live, deadPaths };
}

/** Whether gc.lock is free now (taken and let go at once). */
function gcLockFree(w: NixWorld): boolean {
  const fd = openSync(join(w.state, 'gc.lock'), constants.O_RDWR | constants.O_CREAT, 0o600);
  try {
    return tryLockExclusive(fd);
  } finally {
    closeSync(fd);
  }
}

describe.runIf(HAVE_NIX)('storegc watch', () => {
  it('collects below --min-free, records the run as watch, and stops on SIGTERM with exit 0', async () => {
    const { w, live } = world(4);
    const metrics = join(w.root, 'storegc.prom');
    const watch = w.spawn(process.execPath, [MAIN, 'watch', '--min-free', '100%', '--interval', '1s', '--json', '--no-runtime-roots', '--metrics-file', metrics]);
    // A check line is written after its run is recorded.
    await until(() => lines(watch.output.stdout).some((l) => l.fired), 'the first run');
    const history = JSON.parse(w.storegc(['history', '--json']).stdout) as HistoryJson;
    expect(history.runs.at(-1)).toMatchObject({ trigger: 'watch', outcome: 'success', dryRun: false, pathsDeleted: 4 });
    expect(readFileSync(metrics, 'utf8')).toMatch(/^storegc_last_run_success 1$/m);
    watch.kill('SIGTERM');
    expect(await exited(watch)).toBe(0);
    expect(watch.output.stderr).toContain('storegc: watch stopped by SIGTERM\n');
    const out = lines(watch.output.stdout);
    expect(out.at(-1)).toMatchObject({ event: 'stopped', signal: 'SIGTERM', interruptedRun: false });
    expect(out[0]).toMatchObject({ event: 'check', fired: true, run: { paths: 4, interrupted: null } });
    expect(out[0]!.free).toBeLessThan(out[0]!.minFree);
    // Aimed for: --min-free less free space when the run measured it (the tmpfs is shared, so about the check's).
    expect(out[0]!.aimedBytes).toBeGreaterThan(0);
    expect(out[0]!.aimedBytes).toBeLessThanOrEqual(out[0]!.minFree);
    expect(gcLockFree(w)).toBe(true);
    expect(w.dbRows().valid).toEqual([live]);
    expect(w.listStore()).toEqual([live.slice(w.store.length + 1)]);
    // Nix collects at once: no lock left behind.
    expect(w.nix(['--gc']).status).toBe(0);
  });

  it('doubles the interval while runs free too little, and runs nothing while free space is enough', async () => {
    const { w } = world(0);
    const watch = w.spawn(process.execPath, [MAIN, 'watch', '--min-free', '100%', '--interval', '1s', '--json', '--no-runtime-roots']);
    await until(() => lines(watch.output.stdout).length >= 3, 'three checks', 30_000);
    watch.kill('SIGINT');
    expect(await exited(watch)).toBe(0);
    const checks = lines(watch.output.stdout).filter((l) => l.event === 'check');
    expect(checks.slice(0, 3).map((c) => [c.fired, c.freedBytes, c.nextCheckSeconds, c.backingOff])).toEqual([[true, 0, 2, true], [true, 0, 4, true], [true, 0, 8, true]]);
    // Each check waited at least what the one before announced.
    const at = checks.map((c) => Date.parse(c.at) / 1000);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(2);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(4);
    expect(lines(watch.output.stdout).at(-1)).toMatchObject({ event: 'stopped', signal: 'SIGINT' });
    const history = JSON.parse(w.storegc(['history', '--json']).stdout) as HistoryJson;
    expect(history.runs.map((r) => [r.trigger, r.outcome])).toEqual(checks.map(() => ['watch', 'success']));

    // --min-free 0: free space is never below it; checks at the base interval, no run, no record, text prints nothing.
    const idle = w.spawn(process.execPath, [MAIN, 'watch', '--min-free', '0', '--interval', '1s', '--no-runtime-roots']);
    const json = w.spawn(process.execPath, [MAIN, 'watch', '--min-free', '0', '--interval', '1s', '--json', '--no-runtime-roots']);
    await until(() => lines(json.output.stdout).length >= 2, 'two idle checks');
    idle.kill('SIGTERM');
    json.kill('SIGTERM');
    expect(await exited(idle)).toBe(0);
    expect(await exited(json)).toBe(0);
    expect(idle.output.stdout).toBe('');
    expect(idle.output.stderr).toBe('storegc: watch stopped by SIGTERM\n');
    expect(lines(json.output.stdout)[0]).toMatchObject({ fired: false, nextCheckSeconds: 1, backingOff: false, run: null });
    expect((JSON.parse(w.storegc(['history', '--json']).stdout) as HistoryJson).runs).toHaveLength(history.runs.length);
  }, 60_000);

  it('stops a run in progress on SIGTERM as gc does: gc.lock released, the run recorded as stopped', async () => {
    const { w, deadPaths } = world(3);
    const hold = join(w.root, 'hold');
    writeFileSync(hold, '');
    const watch = w.spawn(process.execPath, [MAIN, 'watch', '--min-free', '100%', '--interval', '1s', '--no-runtime-roots'], { STOREGC_TEST_HOLD: hold });
    await until(() => existsSync(`${hold}.held`), 'the run to hold gc.lock');
    expect(gcLockFree(w)).toBe(false);
    watch.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    rmSync(hold);
    expect(await exited(watch)).toBe(0);
    expect(watch.output.stdout).toMatch(/ below --min-free .*: stopped by SIGTERM after 0 store paths deleted/);
    expect(watch.output.stderr).toContain('storegc: watch stopped by SIGTERM, which stopped the run in progress');
    expect(gcLockFree(w)).toBe(true);
    const history = JSON.parse(w.storegc(['history', '--json']).stdout) as HistoryJson;
    expect(history.runs).toHaveLength(1);
    expect(history.runs[0]).toMatchObject({ trigger: 'watch', outcome: 'failed', error: { code: 'interrupted' } });
    expect(w.dbRows().valid).toHaveLength(deadPaths.length + 1);
    expect(w.nix(['--gc']).status).toBe(0);
  });

  it('needs --min-free: exit 2 and one line naming it, before reading anything', () => {
    const w = new NixWorld();
    worlds.push(w);
    const r = w.storegc(['watch', '--interval', '1s']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^storegc: error: watch needs --min-free[^\n]*\n$/);
    const zero = w.storegc(['watch', '--min-free', '10%', '--interval', '0s']);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toMatch(/^storegc: error: --interval: '0s'[^\n]*\n$/);
  });
});
