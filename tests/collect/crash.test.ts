/**
 * Crash safety (reference §10.7): storegc gc killed with SIGKILL at random moments during
 * deletion leaves a store that Nix verifies, with every live path intact, and the next run
 * reaches the same end state as an uninterrupted one.
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_NIX, MAIN, NixWorld, exited, hashOf } from './nixWorld.js';

const RUNS = 50;
const DEAD = 600;
const LIVE = 40;

/** A store of DEAD dead and LIVE live directories with reference chains, read-only like Nix's. */
function buildWorld(): { w: NixWorld; live: string[] } {
  const w = new NixWorld();
  const paths: string[] = [];
  const refsOf: string[][] = [];
  for (let i = 0; i < DEAD + LIVE; i++) {
    const path = join(w.store, `${hashOf(i + 1)}-p${i}`);
    // Chains of 7 (each path refers to the previous one or two), so live closures stay local.
    const refs = i % 7 === 0 ? [] : i % 7 === 1 ? [paths[i - 1]!] : [paths[i - 1]!, paths[i - 2]!];
    mkdirSync(join(path, 'sub'), { recursive: true });
    for (let f = 0; f < 6; f++) writeFileSync(join(path, 'sub', `f${f}`), `${i}:${f}:${refs.join(',')}\n`.repeat(20));
    symlinkSync('sub/f0', join(path, 'link'));
    chmodSync(join(path, 'sub'), 0o555);
    chmodSync(path, 0o555);
    paths.push(path);
    refsOf.push(refs);
  }
  const input = paths.map((p, i) => `${p}\n\n${refsOf[i]!.length}\n${refsOf[i]!.map((r) => `${r}\n`).join('')}`).join('');
  const reg = w.nix(['--register-validity'], input);
  if (reg.status !== 0) throw new Error(reg.stderr);
  // Root the last LIVE paths: they and the rest of their chains are live.
  const live = paths.slice(DEAD);
  live.forEach((p, i) => symlinkSync(p, join(w.state, 'gcroots', `r${i}`)));
  return { w, live };
}

/** Store listing and DB rows, with the world's own directory taken out of the paths. */
function endState(w: NixWorld): string {
  return JSON.stringify({ listing: w.listStore(), db: w.dbRows() }).replaceAll(w.root, '@');
}

describe.skipIf(!HAVE_NIX)('crash safety', () => {
  it(`survives ${RUNS} SIGKILLs at random moments during deletion`, async () => {
    const reference = buildWorld();
    expect(reference.w.storegc(['gc']).status).toBe(0);
    const expected = endState(reference.w);
    reference.w.dispose();

    let killedMidDeletion = 0;
    for (let run = 0; run < RUNS; run++) {
      const { w, live } = buildWorld();
      try {
        // The K-th crash point (between transaction steps, unlinks and rmdirs) SIGKILLs the
        // collector; K is spread over the whole deletion phase (~10 points per dead path).
        const crashAt = 1 + Math.floor(((run + 0.5) / RUNS) * DEAD * 10) + ((run * 7919) % 17);
        const gc = w.spawn(process.execPath, [MAIN, 'gc'], { STOREGC_TEST_CRASH_AT: String(crashAt) });
        await exited(gc);
        if (gc.signalCode === "SIGKILL") killedMidDeletion++;

        const verify = w.nix(['--verify', '--check-contents']);
        expect(verify.status, verify.stderr).toBe(0);
        expect(verify.stderr).not.toMatch(/disappeared|modified|error/);
        expect(w.nix(['--check-validity', ...live]).status).toBe(0);

        const again = w.storegc(['gc']);
        expect(again.status, again.stderr).toBe(0);
        expect(endState(w)).toBe(expected);
      } finally {
        w.dispose();
      }
    }
    // Nearly every run must really have been killed, or the test proves little.
    expect(killedMidDeletion).toBeGreaterThan(RUNS * 0.8);
  }, 600_000);
});
