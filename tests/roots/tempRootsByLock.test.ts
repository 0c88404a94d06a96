/**
 * Temp roots by lock, whatever the name (reference §5.4, where Nix 2.8 differs): a file in
 * temproots/ whose owner holds its flock protects its paths, be it `<pid>`, Nix 2.35's
 * `temproots-<pid>-<counter>`, a dot-file or any other name. A stale file is removed by `gc`
 * only when its name is one Nix gives; otherwise it is left alone, with a warning.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from '../collect/nixWorld.js';
import { holdExclusiveLocks } from '../support/tempRootOwners.js';
import type { HeldLocks } from '../support/tempRootOwners.js';

const worlds: NixWorld[] = [];
const locks: HeldLocks[] = [];
afterEach(() => {
  locks.splice(0).forEach((l) => l.release());
  worlds.splice(0).forEach((w) => w.dispose());
});

function world(): NixWorld {
  const w = new NixWorld();
  worlds.push(w);
  return w;
}

/** Writes STATE/temproots/<name> listing `paths`; 'alive' holds its lock as a live owner would. */
function tempRoots(w: NixWorld, name: string, paths: readonly string[], owner: 'alive' | 'dead'): string {
  const file = join(w.state, 'temproots', name);
  writeFileSync(file, paths.map((p) => `${p}\0`).join(''), { mode: 0o600 });
  if (owner === 'alive') locks.push(holdExclusiveLocks([file]));
  return file;
}

const run = ['--no-runtime-roots'];

describe.skipIf(!HAVE_NIX)('temp roots by lock, whatever the name', () => {
  it('held files of both Nix name forms, a dot-file and another name protect their paths; gc collects around them', () => {
    const w = world();
    const dep = w.addPath(hashOf(1), 'dep');
    const [a, b, c, d] = [w.addPath(hashOf(2), 'a', [dep]), w.addPath(hashOf(3), 'b'), w.addPath(hashOf(4), 'c'), w.addPath(hashOf(5), 'd')];
    const loose = w.addPath(hashOf(6), 'loose');
    tempRoots(w, '4242', [a], 'alive');
    tempRoots(w, 'temproots-4343-7', [b], 'alive');
    tempRoots(w, '.hidden', [c], 'alive');
    tempRoots(w, 'abc', [d], 'alive');

    const roots = w.storegc(['roots', '--no-index', ...run]);
    expect(roots.status, roots.stderr).toBe(0);
    expect(roots.stdout).toBe([`{temp:.hidden} -> ${c}`, `{temp:4242} -> ${a}`, `{temp:4343} -> ${b}`, `{temp:abc} -> ${d}`].sort().join('\n') + '\n');
    expect(roots.stderr).toBe('');
    const dead = w.storegc(['dead', '--no-index', ...run]);
    expect(dead.status, dead.stderr).toBe(0);
    expect(dead.stdout).toBe(`${loose}\n`);

    const gc = w.storegc(['gc', ...run]);
    expect(gc.status, gc.stderr).toBe(0);
    expect([dep, a, b, c, d, loose].map(existsSync)).toEqual([true, true, true, true, true, false]);
  });

  it('stale files: gc removes those with a name Nix gives and leaves the others, with a warning', () => {
    const w = world();
    const p = w.addPath(hashOf(1), 'was-in-use');
    const nixNames = ['4242', '4242-3', 'temproots-4242-3'].map((n) => tempRoots(w, n, [p], 'dead'));
    const foreign = ['abc', '.hidden'].map((n) => tempRoots(w, n, [p], 'dead'));

    const dead = w.storegc(['dead', '--no-index', ...run]);
    expect(dead.status, dead.stderr).toBe(0);
    expect(dead.stdout).toBe(`${p}\n`);
    expect([...nixNames, ...foreign].every(existsSync)).toBe(true);

    const gc = w.storegc(['gc', ...run]);
    expect(gc.status, gc.stderr).toBe(0);
    expect(existsSync(p)).toBe(false);
    expect(nixNames.map(existsSync)).toEqual([false, false, false]);
    expect(foreign.map(existsSync)).toEqual([true, true]);
    for (const f of foreign) expect(gc.stderr).toContain(`stale temporary roots file '${f}' (nobody holds its lock); left alone: its name is not one Nix gives`);
  });

  it('a held file with an entry that is not a store path blocks gc; roots lists the rest and exits 1', () => {
    const w = world();
    const p = w.addPath(hashOf(1), 'p');
    const loose = w.addPath(hashOf(2), 'loose');
    const file = join(w.state, 'temproots', 'temproots-4242-1');
    writeFileSync(file, `${p}\0garbage\0`);
    locks.push(holdExclusiveLocks([file]));
    const roots = w.storegc(['roots', '--no-index', ...run]);
    expect(roots.status).toBe(1);
    expect(roots.stdout).toBe(`{temp:4242} -> ${p}\n`);
    expect(roots.stderr).toContain(`temporary root 'garbage' in '${file}' is not a store path`);
    const gc = w.storegc(['gc', ...run]);
    expect(gc.status).toBe(1);
    expect(existsSync(loose)).toBe(true);
  });
});
