/**
 * `storegc why` on generated stores: every path `storegc live` lists has a chain and no dead path
 * has one; each chain is valid edge by edge against the database, starts at a root that
 * `nix-store --gc --print-roots` lists, and is as short as a BFS over the database finds (for
 * --all: as short as a BFS from that root alone).
 */
import { it } from 'vitest';
import { generateStore } from '../support/generate.js';
import { materializeStore, releaseStore } from '../support/materialize.js';
import { describeWithNix } from '../support/nixGuard.js';
import { runStoregcAsync } from '../support/run.js';
import { parsesAsStoreBase } from '../support/storePathSyntax.js';
import { useTempDirs } from '../support/tempDir.js';
import { distances, hashPart, keepSettings, lines, nixRoots, readOracle } from './storeOracle.js';

interface JsonChain { root: { link: string; path: string; kind: string }; start: string; steps: { from: string; to: string; edge: string }[] }
interface JsonWhy { paths: { path: string; alive: boolean; chains: JsonChain[] }[] }

describeWithNix('why: chains on generated stores', () => {
  const tempDir = useTempDirs('all');
  for (let seed = 1; seed <= 8; seed++) {
    it(`seed ${seed}`, async ({ expect }) => {
      const spec = generateStore(seed);
      const root = tempDir(`storegc-why-${seed}-`);
      const layout = materializeStore(spec, root);
      try {
        const live = lines((await runStoregcAsync(root, ['live'])).stdout);
        const dead = lines((await runStoregcAsync(root, ['dead'])).stdout).filter((p) => parsesAsStoreBase(p.slice(layout.storeDir.length + 1)));
        const asked = [...live, ...dead];
        if (asked.length === 0) return;
        const why = await runStoregcAsync(root, ['why', '--json', ...asked]);
        expect(why.status, why.stderr).toBe(0);
        const all = await runStoregcAsync(root, ['why', '--all', '--json', ...live]);
        expect(all.status, all.stderr).toBe(0);
        const roots = nixRoots(root);
        const oracle = readOracle(layout, keepSettings(spec));
        const liveSet = new Set(live);
        const rootKey = new Set(roots.map((r) => `${r.link} -> ${r.path}`));
        // What keeps things alive: each listed root's path, or for a temp root every live path sharing its hash part.
        const sourcesOf = (r: { link: string; path: string }): string[] => (r.link.startsWith('{temp:')
          ? live.filter((p) => hashPart(layout.storeDir, p) === hashPart(layout.storeDir, r.path))
          : liveSet.has(r.path) ? [r.path] : []);
        const dist = distances(oracle, roots.flatMap(sourcesOf));

        const checkChain = (path: string, c: JsonChain): void => {
          expect(rootKey.has(`${c.root.link} -> ${c.root.path}`), `${c.root.link} is a root Nix lists`).toBe(true);
          expect(sourcesOf(c.root)).toContain(c.start);
          let at = c.start;
          for (const s of c.steps) {
            expect(s.from).toBe(at);
            expect([...(oracle.edges.get(`${s.from} -> ${s.to}`) ?? [])], `${s.from} -> ${s.to}`).toContain(s.edge);
            at = s.to;
          }
          expect(at).toBe(path);
        };

        const report = JSON.parse(why.stdout.toString('utf8')) as JsonWhy;
        expect(report.paths.map((p) => p.path)).toEqual(asked);
        for (const entry of report.paths) {
          const isLive = liveSet.has(entry.path);
          expect(entry.alive, entry.path).toBe(isLive);
          expect(entry.chains.length, entry.path).toBe(isLive ? 1 : 0);
          if (!isLive) continue;
          const chain = entry.chains[0]!;
          checkChain(entry.path, chain);
          expect(chain.steps.length, `shortest chain to ${entry.path}`).toBe(dist.get(entry.path));
        }

        const everyRoot = JSON.parse(all.stdout.toString('utf8')) as JsonWhy;
        for (const entry of everyRoot.paths) {
          const keepers = roots.filter((r) => sourcesOf(r).some((s) => distances(oracle, [s]).has(entry.path)));
          expect(entry.chains.map((c) => `${c.root.link} -> ${c.root.path}`).sort(), entry.path).toEqual(keepers.map((r) => `${r.link} -> ${r.path}`).sort());
          for (const c of entry.chains) {
            checkChain(entry.path, c);
            const own = Math.min(...sourcesOf(c.root).map((s) => distances(oracle, [s]).get(entry.path) ?? Infinity));
            expect(c.steps.length, `chain from ${c.root.link} to ${entry.path}`).toBe(own);
          }
        }
      } finally {
        releaseStore(root);
      }
    });
  }
}, { concurrent: true });
