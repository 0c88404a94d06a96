/**
 * Where Nix 2.8 aborts the whole command on one bad entry, storegc warns, records the entry in
 * the JSON report and goes on (README, deviation 3). Each case checks that Nix really aborts,
 * and that storegc's output equals Nix's on the same store without the bad entry. An entry that
 * leaves roots unknown (a root source that cannot be read) still makes the command exit 1,
 * after printing: every root source fails closed.
 */
import { closeSync, openSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from './collect/nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => worlds.splice(0).forEach((w) => w.dispose()));

function world(): NixWorld {
  const w = new NixWorld();
  worlds.push(w);
  const a = w.addPath(hashOf(1), 'a');
  const b = w.addPath(hashOf(2), 'b', [a]);
  w.addPath(hashOf(3), 'c');
  symlinkSync(b, join(w.state, 'gcroots', 'b'));
  return w;
}

/** storegc with the bad entry == Nix without it; Nix with it fails. */
function expectWarnAndGoOn(w: NixWorld, add: () => void, remove: () => void, nixError: RegExp, code: string, status: 0 | 1): void {
  add();
  const failing = w.nix(['--gc', '--print-roots']);
  expect(failing.status).toBe(1);
  expect(failing.stderr).toMatch(nixError);
  const outcomes = ['roots', 'live', 'dead'].map((cmd) => w.storegc([cmd]));
  const json = JSON.parse(w.storegc(['roots', '--json']).stdout);
  for (const r of outcomes) {
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(/^storegc: warning: /m);
  }
  expect(json.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ code })]));
  remove();
  ['roots', 'live', 'dead'].forEach((cmd, i) => {
    expect(outcomes[i]!.stdout).toBe(w.nix(['--gc', `--print-${cmd}`]).stdout);
  });
}

describe.skipIf(!HAVE_NIX)('bad entries: warn and go on where Nix aborts', () => {
  it('a root reached through a symlink loop (ELOOP, reference §3.4)', () => {
    const w = world();
    const loop = join(w.root, 'loop');
    const link = join(w.state, 'gcroots', 'through-loop');
    expectWarnAndGoOn(w, () => {
      symlinkSync(loop, loop);
      symlinkSync(join(loop, 'x'), link);
    }, () => unlinkSync(link), /Too many levels of symbolic links/, 'unreadable-root', 1);
  });

  // Read by its lock like any other (tests/roots/tempRootsByLock.test.ts): nobody holds this one.
  it('a temproots file whose name is not a number (reference §5.4, error: stoi)', () => {
    const w = world();
    const file = join(w.state, 'temproots', 'abc');
    expectWarnAndGoOn(w, () => writeFileSync(file, 'left by a process that is gone\0'), () => rmSync(file), /stoi/, 'stale-temproots', 0);
  });

  it('a temp root that is not a store path (reference §2.3)', () => {
    const w = world();
    const file = join(w.state, 'temproots', '4242');
    const release = holdLock(file, 'garbage\0');
    try {
      expectWarnAndGoOn(w, () => {}, () => {
        release();
        rmSync(file);
      }, /not an absolute path|garbage/, 'bad-temproots', 1);
    } finally {
      release();
    }
  });
});

const fsExt = createRequire(import.meta.url)('fs-ext') as { flockSync(fd: number, op: 'ex'): void };

/** Writes a temproots file and holds its flock, as a live Nix process would. */
function holdLock(file: string, content: string): () => void {
  writeFileSync(file, content);
  const fd = openSync(file, 'r');
  fsExt.flockSync(fd, 'ex');
  let held = true;
  return () => {
    if (held) closeSync(fd);
    held = false;
  };
}
