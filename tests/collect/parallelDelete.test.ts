/**
 * Deletion runs on several workers at once, yet the bytes it reports stay Nix's: a hard-linked
 * file (an optimised store's `.links`) counts by its link count just before its unlink, so looks
 * and unlinks of one inode must not interleave across workers. Pairs of dead paths share every
 * file through `.links`, each pair spread over two workers (round robin): storegc and
 * `nix-store --gc` on a twin store print the same summary line.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, NixWorld, hashOf } from './nixWorld.js';

const PATHS = 96;
const FILES = 24;
const worlds: NixWorld[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.dispose();
});

function build(): NixWorld {
  const w = new NixWorld();
  worlds.push(w);
  const lines: string[] = [];
  for (let i = 0; i < PATHS; i++) {
    const path = join(w.store, `${hashOf(i + 1)}-p${i}`);
    mkdirSync(path);
    // Paths 2j and 2j+1 hold the same files: optimising links each pair's files together.
    for (let k = 0; k < FILES; k++) writeFileSync(join(path, `f${k}`), `pair ${i >> 1} file ${k}\n`.repeat(20 + k));
    chmodSync(path, 0o555);
    lines.push(`${path}\n\n0\n`);
  }
  const reg = w.nix(['--register-validity'], lines.join(''));
  if (reg.status !== 0) throw new Error(reg.stderr);
  const opt = w.nix(['--optimise']);
  if (opt.status !== 0) throw new Error(opt.stderr);
  return w;
}

describe.skipIf(!HAVE_NIX)('deletion on several workers', () => {
  it('reports the bytes nix-store --gc reports, for dead paths sharing optimised files', () => {
    for (let round = 0; round < 3; round++) {
      const ours = build();
      const theirs = build();
      const mine = ours.storegc(['gc', '--quiet']);
      expect(mine.status, mine.stderr).toBe(0);
      const nix = theirs.nix(['--gc']);
      expect(nix.status, nix.stderr).toBe(0);
      expect(mine.stdout).toBe(nix.stdout);
      expect(ours.listStore()).toEqual(theirs.listStore());
      for (const w of worlds.splice(0)) w.dispose();
    }
  });
});
