/**
 * The caches across real Nix changes. On generated stores, storegc runs until its caches are
 * current (roots directories older than the index's margin, so that their decisions are kept);
 * then real Nix changes the store twice — `nix-store --add` registers new paths, `nix-env --set`
 * makes a profile generation of one, `nix-store --delete` deletes dead paths — and after each
 * change storegc with its caches (the graph cache patched, the kept decisions translated, the
 * liveness memo and the store listing cache replaced) prints what it prints without them
 * (`--no-index`, which the random suite holds to Nix), and `dead` what `nix-store --gc
 * --print-dead` prints (run last: Nix's print modes change the store).
 */
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'vitest';
import { TIMESTAMP_MARGIN_NS } from '../../src/roots/index/listing.js';
import { expectSameBytes, splitLines } from '../support/conformance.js';
import { generateStore } from '../support/generate.js';
import { materializeStore, releaseStore } from '../support/materialize.js';
import { describeWithNix } from '../support/nixGuard.js';
import { createRng } from '../support/prng.js';
import type { Rng } from '../support/prng.js';
import { runNixEnvAsync, runNixStoreAsync, runStoregcAsync, type RunResult } from '../support/run.js';
import { useTempDirs } from '../support/tempDir.js';

const FIRST_SEED = 6100 + Number(process.env['STOREGC_SEED_OFFSET'] ?? '0');
const STORES = 6;
const MARGIN_MS = Number(TIMESTAMP_MARGIN_NS / 1_000_000n) + 300;

function dirsUnder(dir: string): string[] {
  return [dir, ...readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) => dirsUnder(join(dir, d.name)))];
}

function ok(r: RunResult, what: string): RunResult {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${r.stderr}`);
  return r;
}

const lines = (r: RunResult): string[] => splitLines(r.stdout).map((l) => l.toString('latin1'));

/** Real Nix's changes: new paths added, one made a profile generation, some of `dead` deleted. */
async function changeWithNix(root: string, scratch: string, round: number, dead: readonly string[], rng: Rng): Promise<void> {
  const files = [0, 1, 2].map((k) => {
    const file = join(scratch, `added-${round}-${k}`);
    writeFileSync(file, `added in round ${round}, ${k}, ${rng.int(0, 1e9)}\n`);
    return file;
  });
  const added = lines(ok(await runNixStoreAsync(root, ['--add', ...files]), 'nix-store --add'));
  ok(await runNixEnvAsync(root, ['-p', join(root, 'var/profiles/incremental'), '--set', added[0]!]), 'nix-env --set');
  // Dead paths one at a time: Nix refuses one that a path still valid refers to.
  for (const path of rng.shuffle([...dead]).slice(0, 6)) await runNixStoreAsync(root, ['--delete', path]);
}

/** The dead paths that are registered (what `nix-store --delete` can delete), by storegc with its caches. */
async function registeredDead(root: string): Promise<string[]> {
  const body = JSON.parse(ok(await runStoregcAsync(root, ['dead', '--json']), 'storegc dead --json').stdout.toString('utf8')) as { paths: { path: string; narSize: number | null }[] };
  return body.paths.filter((p) => p.narSize !== null).map((p) => p.path);
}

describeWithNix('caches across real Nix changes', () => {
  const tempDir = useTempDirs('all');
  for (let seed = FIRST_SEED; seed < FIRST_SEED + STORES; seed++) {
    it(`seed ${seed}`, async ({ expect }) => {
      const root = tempDir(`storegc-incremental-${seed}-`);
      const scratch = tempDir(`storegc-incremental-files-${seed}-`);
      const rng = createRng(seed);
      const store = materializeStore(generateStore(seed), root);
      try {
        const hour = new Date(Date.now() - 3_600_000);
        for (const d of [...dirsUnder(join(root, 'var/gcroots')), ...dirsUnder(join(root, 'var/profiles'))]) utimesSync(d, hour, hour);
        await sleep(MARGIN_MS);
        ok(await runStoregcAsync(root, ['dead']), 'storegc dead');
        let dead = lines(ok(await runStoregcAsync(root, ['dead']), 'storegc dead'));
        for (let round = 1; round <= 2; round++) {
          await changeWithNix(root, scratch, round, await registeredDead(root), rng);
          // `dead` first: the first run after the change refreshes the caches (`roots` reads no graph).
          for (const command of ['dead', 'live', 'roots'] as const) {
            const cached = ok(await runStoregcAsync(root, [command]), `storegc ${command}`);
            const full = ok(await runStoregcAsync(root, [command, '--no-index']), `storegc ${command} --no-index`);
            expectSameBytes(cached.stdout, full.stdout, `round ${round}: storegc ${command} with its caches vs --no-index`, expect);
            if (command === 'dead') dead = lines(cached);
          }
          if (round === 2) {
            const nix = ok(await runNixStoreAsync(root, ['--gc', '--print-dead']), 'nix-store --gc --print-dead');
            expectSameBytes(Buffer.from(dead.map((l) => `${l}\n`).join(''), 'latin1'), nix.stdout, 'storegc dead with its caches vs nix-store --gc --print-dead', expect);
          }
        }
      } finally {
        store.release();
        releaseStore(root);
      }
    }, 120_000);
  }
}, { concurrent: true });
