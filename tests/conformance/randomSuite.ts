/**
 * The random conformance suite: one test per seed, each a generated store compared with real
 * Nix for roots, live and dead. Seeds are printed in test names; reproduce one with
 * `npx vitest run tests/conformance -t 'seed 123$'`. STOREGC_SEED_OFFSET shifts all seeds to
 * explore further stores. After the file, a few sanity checks make sure the stores were
 * interesting (Nix saw live and dead paths, and roots of every kind).
 */
import { afterAll, expect, it } from 'vitest';
import { compareWithNix, expectConformance, splitLines, type Comparison } from '../support/conformance.js';
import { generateStore } from '../support/generate.js';
import { describeWithNix } from '../support/nixGuard.js';
import { useTempDirs } from '../support/tempDir.js';

const OFFSET = Number(process.env['STOREGC_SEED_OFFSET'] ?? '0');

interface Seen { stores: number; withLive: number; withDead: number; labels: Set<string> }

export function defineRandomSuite(first: number, count: number): void {
  describeWithNix(`random stores, seeds ${first + OFFSET}..${first + OFFSET + count - 1}`, () => {
    const tempDir = useTempDirs('all');
    const seen: Seen = { stores: 0, withLive: 0, withDead: 0, labels: new Set() };
    for (let seed = first + OFFSET; seed < first + OFFSET + count; seed++) {
      it(`seed ${seed}`, async ({ expect }) => {
        const c = await compareWithNix(generateStore(seed), tempDir(`storegc-seed-${seed}-`));
        record(seen, c);
        expectConformance(c, expect);
      });
    }
    afterAll(() => {
      if (seen.stores < count) return; // some tests were filtered out or skipped
      expect(seen.withLive / seen.stores).toBeGreaterThan(0.8);
      expect(seen.withDead / seen.stores).toBeGreaterThan(0.8);
      expect([...seen.labels].sort()).toEqual(['file', 'indirect', 'profile', 'symlink', 'temp']);
    });
  }, { concurrent: true });
}

/** Notes what Nix reported, to check that the generated stores are not trivial. */
function record(seen: Seen, c: Comparison): void {
  seen.stores++;
  if (c.nix.live.stdout.length > 0) seen.withLive++;
  if (c.nix.dead.stdout.length > 0) seen.withDead++;
  const root = c.layout.root;
  for (const line of splitLines(c.nix.roots.stdout).map((l) => l.toString('utf8'))) {
    const [link = '', target = ''] = line.split(' -> ');
    if (link.startsWith('{temp:')) seen.labels.add('temp');
    else if (link.startsWith(`${root}/home/`)) seen.labels.add('indirect');
    else if (link.startsWith(`${root}/var/profiles/`)) seen.labels.add('profile');
    else if (link.slice(link.lastIndexOf('/')) === target.slice(target.lastIndexOf('/'))) seen.labels.add('file');
    else if (link.startsWith(`${root}/var/gcroots/`)) seen.labels.add('symlink');
  }
}
