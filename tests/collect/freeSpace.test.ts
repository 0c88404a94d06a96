/**
 * `--ensure-free` and `--min-free` on a small size-limited tmpfs holding the store: collection
 * stops as soon as the free space measured (statfs) reaches the target, reports an unmet target
 * with its shortfall and cause, and `--min-free` does nothing while there is enough free space.
 * Never a live path lost.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from './nixWorld.js';

const worlds: { w: NixWorld; mounted: boolean }[] = [];
afterEach(() => {
  for (const { w, mounted } of worlds.splice(0)) {
    if (mounted) spawnSync('umount', [w.store]);
    w.dispose();
  }
});

const KiB = 1024;
const free = (dir: string): number => {
  const st = statfsSync(dir);
  return st.bavail * st.bsize;
};

interface Target { met: boolean; shortfallBytes: number; cause: string | null; freeBefore: number; freeAfter: number }

/** A store on its own 8 MiB tmpfs: one live path and six dead ones of 512 KiB each. */
function smallStore(): { w: NixWorld; live: string; dead: string[] } | undefined {
  const w = new NixWorld();
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', w.store]);
  worlds.push({ w, mounted: mount.status === 0 });
  if (mount.status !== 0) {
    console.warn(`skipped: cannot mount a tmpfs here (${mount.stderr.toString().trim()})`);
    return undefined;
  }
  const body = 'x'.repeat(512 * KiB);
  const live = w.addPath(hashOf(1), 'live', [], body);
  expect(w.nix(['--add-root', join(w.state, 'gcroots', 'live'), '-r', live]).status).toBe(0);
  const dead = [2, 3, 4, 5, 6, 7].map((i) => w.addPath(hashOf(i), `dead-${i}`, [], body));
  return { w, live, dead };
}

describe.runIf(HAVE_NIX)('free-space targets', () => {
  it('--ensure-free stops as soon as the target is met, and the dry run says the same', () => {
    const s = smallStore();
    if (s === undefined) return;
    const { w, live } = s;
    const before = free(w.store);
    const target = before + 1200 * KiB; // needs three 512 KiB paths deleted
    const dry = JSON.parse(w.storegc(['gc', '--dry-run', '--json', '--no-runtime-roots', '--ensure-free', String(target)]).stdout) as { deleted: string[]; target: Target };
    expect(dry.target.met).toBe(true);
    const r = w.storegc(['gc', '--json', '--no-runtime-roots', '--ensure-free', String(target)]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { deleted: string[]; target: Target };
    expect(report.target).toMatchObject({ met: true, shortfallBytes: 0, cause: null });
    expect(free(w.store)).toBeGreaterThanOrEqual(target);
    expect(report.deleted).toHaveLength(3);
    expect(report.deleted).toEqual(dry.deleted);
    expect(existsSync(live)).toBe(true);
  });

  it('an unmet --ensure-free reports its shortfall and cause, exit 0, and keeps the live path', () => {
    const s = smallStore();
    if (s === undefined) return;
    const { w, live, dead } = s;
    const r = w.storegc(['gc', '--json', '--no-runtime-roots', '--ensure-free', '100%']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { deleted: string[]; target: Target };
    expect(report.deleted.sort()).toEqual([...dead].sort());
    expect(report.target.met).toBe(false);
    expect(report.target.shortfallBytes).toBeGreaterThan(0);
    expect(report.target.cause).toBe('everything left is live or kept by a policy');
    expect(existsSync(live)).toBe(true);
  });

  it('--min-free does nothing while free space is not below it, and is recorded as skipped', () => {
    const s = smallStore();
    if (s === undefined) return;
    const { w, dead } = s;
    const r = w.storegc(['gc', '--json', '--no-runtime-roots', '--min-free', '1K']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { deleted: string[]; target: Target };
    expect(report.deleted).toEqual([]);
    expect(report.target).toMatchObject({ met: true, cause: 'free space is not below --min-free; nothing collected' });
    for (const p of dead) expect(existsSync(p)).toBe(true);
    const history = JSON.parse(w.storegc(['history', '--json']).stdout) as { runs: { outcome: string }[] };
    expect(history.runs[0]!.outcome).toBe('skipped');
    // Below it: collects.
    const collect = JSON.parse(w.storegc(['gc', '--json', '--no-runtime-roots', '--min-free', '100%']).stdout) as { deleted: string[] };
    expect(collect.deleted).toHaveLength(dead.length);
    expect(w.storegc(['gc', '--no-runtime-roots', '--min-free', '120%']).status).toBe(2);
  });
});
