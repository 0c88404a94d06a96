/** `storegc status`: the last recorded run and what gc with the same flags would do now; records nothing. */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from './nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.dispose();
});

interface Status { last: { outcome: string } | null; now: { deleted: string[]; binds: string; limitReached: boolean; keptByPolicy: object } }

describe.runIf(HAVE_NIX)('storegc status', () => {
  it('says what a run would do, which limit binds, and what the last run did, recording nothing', () => {
    const w = new NixWorld();
    worlds.push(w);
    const dead = [1, 2, 3].map((i) => w.addPath(hashOf(i), `dead-${i}`, [], 'x'.repeat(4096)));
    const first = JSON.parse(w.storegc(['status', '--json', '--no-runtime-roots']).stdout) as Status;
    expect(first.last).toBeNull();
    expect(first.now.deleted.sort()).toEqual([...dead].sort());
    expect(first.now.binds).toBe('nothing: it would delete every dead path');
    const budget = JSON.parse(w.storegc(['status', '--json', '--no-runtime-roots', '--max-freed', '1']).stdout) as Status;
    expect(budget.now.deleted).toHaveLength(1);
    expect(budget.now.binds).toMatch(/^max-freed/);
    expect(budget.now.keptByPolicy).toEqual({ budget: { paths: 2, narSize: expect.any(Number) as number } });
    expect(w.storegc(['status', '--no-runtime-roots', '--max-freed', '1']).stdout).toMatch(/^kept by policy: budget 2 paths \([0-9.]+ MiB narSize\)$/m);
    const skip = JSON.parse(w.storegc(['status', '--json', '--no-runtime-roots', '--min-free', '1K']).stdout) as Status;
    expect(skip.now.binds).toMatch(/^min-free: there is enough free space/);
    for (const p of dead) expect(existsSync(p)).toBe(true);
    expect(w.storegc(['gc', '--no-runtime-roots']).status).toBe(0);
    const after = w.storegc(['status', '--no-runtime-roots']);
    expect(after.stdout).toMatch(/^last run: #1 .* success/m);
    expect(after.stdout).toMatch(/^now: would delete 0 of 0 dead paths/m);
    expect((JSON.parse(w.storegc(['history', '--json']).stdout) as { runs: unknown[] }).runs).toHaveLength(1);
  });
});
