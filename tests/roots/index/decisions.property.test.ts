/**
 * Kept decisions against classifying every entry again: after every step of random operation
 * sequences on a roots tree (the roots index's own operations: files, links into and out of the
 * store, directories, renames, outside links retargeted, at random moments) mixed with changes of
 * which store paths are valid (a graph of another digest), `findRoots` through the roots index
 * with kept decisions, persisted between steps, gives exactly the roots (as graph ids) and the
 * findings of `findRoots` without any cache. And the proof can fail: decisions kept under one
 * scope key whatever the graph is (as if the digest were not checked) are caught.
 *
 * Validity changes come as the graph cache gives them after an incremental refresh: a new digest
 * with the lineage from the previous graph (deleted and added ids), so decisions kept for the
 * previous digest are translated, not classified again. Paths roots name are deleted, paths
 * dangling roots name registered, paths deleted and registered again (a new digest for the same
 * set); some changes come without a lineage (a full load). Translations broken on purpose (ids off
 * by one, deleted paths left at their old id, invalid entries not looked at again) are caught.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../src/config/settings.js';
import { findRoots } from '../../../src/roots/findRoots.js';
import type { GraphLineage } from '../../../src/graph/lineage.js';
import { decisionScope } from '../../../src/roots/index/decisions.js';
import type { DecisionScope } from '../../../src/roots/index/decisions.js';
import { TIMESTAMP_MARGIN_NS } from '../../../src/roots/index/listing.js';
import { withIndex } from '../../../src/roots/index/withIndex.js';
import type { RootSet } from '../../../src/roots/types.js';
import { removeTree } from '../../support/fsTree.js';
import { RootsTree, TICK_NS } from '../../support/rootsTreeOps.js';
import type { Op, OpKind } from '../../support/rootsTreeOps.js';

const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const RUNS = Number(process.env.STOREGC_PROPERTY_RUNS ?? 300);

// Roots are what decisions are about: files and links into the store come more often.
const KINDS: OpKind[] = ['file', 'file', 'link-store', 'link-store', 'link-store', 'link-outside', 'link-relative', 'mkdir', 'remove', 'replace', 'rename',
  'outside-link', 'outside-remove', 'outside-dir'];
/** The store paths the tree's links can name are storeTarget(0..CANDIDATES-1); files name FILE_ROOT. */
const CANDIDATES = 160;
const FILE_ROOT = 'xyz0123456789abcdfghijklmnpqrsvw-result';

/**
 * `toggle`: every path of one class changes validity (class n % 5 of storeTarget(n), or 5: the
 * file's), through an incremental refresh (with a lineage) unless `full`; `reregister`: the valid
 * paths of one class are deleted and registered again (same paths, another graph).
 */
type Step = { tree: Op } | { burst: Op[] } | { toggle: number; advanceNs: bigint; full: boolean } | { reregister: number; advanceNs: bigint } | { idle: bigint };

const rootOpArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constantFrom<OpKind>('file', 'link-store'), pick: fc.nat(1000), pick2: fc.nat(1000), name: fc.nat(20), advanceNs: fc.constant(0n) });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  // Several roots at once, in the same instant.
  { weight: 1, arbitrary: fc.array(rootOpArb, { minLength: 2, maxLength: 8 }).map((burst) => ({ burst })) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom(...KINDS), pick: fc.nat(1000), pick2: fc.nat(1000), name: fc.nat(20), advanceNs: fc.oneof(fc.constant(0n), fc.bigInt(1n, TICK_NS), fc.bigInt(TIMESTAMP_MARGIN_NS + 1n, 10n * TIMESTAMP_MARGIN_NS)) }).map((tree) => ({ tree })) },
  // A path registered or deleted: the graph (its ids and validity) changes, the roots trees do not.
  { weight: 2, arbitrary: fc.record({ toggle: fc.nat(5), advanceNs: fc.bigInt(TIMESTAMP_MARGIN_NS + 1n, 10n * TIMESTAMP_MARGIN_NS), full: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ reregister: fc.nat(5), advanceNs: fc.bigInt(TIMESTAMP_MARGIN_NS + 1n, 10n * TIMESTAMP_MARGIN_NS) }) },
  // Nothing changes: the next scan may use what the last one kept.
  { weight: 3, arbitrary: fc.record({ idle: fc.oneof(fc.constant(0n), fc.bigInt(TIMESTAMP_MARGIN_NS + 1n, 10n * TIMESTAMP_MARGIN_NS)) }) },
);

interface Ids {
  idOf(p: string): number;
  idOfName(n: string): number;
  idOfNameBytes(bytes: Uint8Array, start: number, end: number): number;
  readonly size: number;
  readonly digest: string;
}

/**
 * Graph ids of a set of valid paths: ranks in byte order, as the path table gives them. The
 * digest also names `epoch`: paths registered again make another graph of the same paths.
 */
function idsOf(valid: ReadonlySet<string>, storeDir: string, epoch: number): Ids {
  const sorted = [...valid].sort();
  const rank = new Map(sorted.map((p, i) => [p, i]));
  return {
    idOf: (p) => rank.get(p) ?? -1,
    idOfName: (n) => rank.get(`${storeDir}/${n}`) ?? -1,
    idOfNameBytes: (bytes, start, end) => rank.get(`${storeDir}/${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', start, end)}`) ?? -1,
    size: sorted.length,
    digest: createHash('sha256').update(`${epoch}\n${sorted.join('\n')}`).digest('hex'),
  };
}

/** The lineage the graph cache records for a refresh from `before` to `after` that deleted `gone` and registered `fresh`. */
function lineageBetween(before: Ids, after: Ids, gone: readonly string[], fresh: readonly string[]): GraphLineage {
  const ranks = (ids: Ids, paths: readonly string[]): Int32Array => Int32Array.from(paths.map((p) => ids.idOf(p))).sort();
  return { previousKey: before.digest, previousCount: before.size, deleted: ranks(before, gone), added: ranks(after, fresh) };
}

/** Ways to break a translation, to show the property notices. */
type Breakage = 'none' | 'off-by-one' | 'deleted-kept' | 'no-recheck';

function broken(scope: DecisionScope, how: Breakage): DecisionScope {
  const { previous } = scope;
  if (previous === undefined || how === 'none') return scope;
  if (how === 'no-recheck') return { ...scope, previous: { ...previous, anyAdded: false } };
  const map = previous.map.map((id, old) => (how === 'off-by-one' ? (id >= 0 && id + 1 < scope.pathCount ? id + 1 : id) : id >= 0 ? id : Math.min(old, scope.pathCount - 1)));
  return { ...scope, previous: { ...previous, map } };
}

/** What liveness is given, order aside: every root's graph id, and every finding. */
function view(r: RootSet): string[] {
  const ids = [...(r.rootIds ?? []), ...(r.keptRootIds ?? [])].filter((id) => id >= 0);
  if ((r.rootIds ?? []).length !== r.roots.length) throw new Error('root ids not aligned');
  return [...ids.map((id) => `root ${id}`), ...r.findings.map((f) => `finding ${f.code} ${f.path} ${f.message}`)].sort();
}

/** What roots --sizes is given, order aside: every root (link, path, kind, id), and every finding. */
function rootsView(r: RootSet): string[] {
  if ((r.rootIds ?? []).length !== r.roots.length || (r.keptRootIds ?? []).length > 0) throw new Error('roots not all made, or ids not aligned');
  return [...r.roots.map((root, k) => `root ${root.link} ${root.path} ${root.kind} ${r.rootIds![k]}`), ...r.findings.map((f) => `finding ${f.code} ${f.path} ${f.message}`)].sort();
}

/**
 * Runs `steps` on a fresh tree; after each, finds roots through the index (kept decisions under
 * `keyOf(digest)`) and without cache. The first step at which they differ, or null; and how many
 * directories came decided.
 */
async function firstDivergence(steps: readonly Step[], seed: number, keyOf: (digest: string) => string, breakage: Breakage = 'none'): Promise<{ divergence: string | null; decided: number; keptRoots: number; translated: number }> {
  const root = mkdtempSync(join(SCRATCH, 'storegc-decisions-prop-'));
  const tree = new RootsTree(root);
  const storeDir = join(root, 'store');
  const classes = Array.from({ length: 6 }, (_, k) => (k === 5 ? [`${storeDir}/${FILE_ROOT}`] : Array.from({ length: CANDIDATES / 5 }, (_, j) => tree.storeTarget(5 * j + k))));
  // About two thirds valid at first, chosen by the seed.
  const valid = new Set(classes.flat().filter((_, n) => (Math.imul(n + 1, 2654435761) ^ seed) % 3 !== 0));
  const settings = resolveSettings({ storeDir, stateDir: join(root, 'var'), runtimeRoots: false, index: join(root, 'index.sqlite') }, {}, []);
  const io = { fs: tree.fs, nowNs: () => tree.nowNs };
  let decided = 0;
  let keptRoots = 0;
  let translated = 0;
  let epoch = 0;
  let ids = idsOf(valid, storeDir, epoch);
  // The lineage the graph cache holds for the current graph (kept while the graph is the same).
  let lineage: GraphLineage | undefined;
  try {
    for (const [i, step] of [undefined, ...steps].entries()) {
      if (step !== undefined && 'tree' in step) tree.apply(step.tree);
      if (step !== undefined && 'burst' in step) for (const op of step.burst) tree.apply(op);
      if (step !== undefined && 'idle' in step) tree.nowNs += step.idle;
      if (step !== undefined && ('toggle' in step || 'reregister' in step)) {
        tree.nowNs += step.advanceNs;
        const before = ids;
        const gone: string[] = [];
        const fresh: string[] = [];
        if ('toggle' in step) {
          for (const p of classes[step.toggle]!) {
            if (valid.delete(p)) gone.push(p);
            else {
              valid.add(p);
              fresh.push(p);
            }
          }
        } else {
          for (const p of classes[step.reregister]!) if (valid.has(p)) gone.push(p);
          fresh.push(...gone);
          epoch++;
        }
        ids = idsOf(valid, storeDir, epoch);
        lineage = 'toggle' in step && step.full ? undefined : { ...lineageBetween(before, ids, gone, fresh), previousKey: keyOf(before.digest) };
      }
      tree.nowNs += 1n;
      const isValid = (p: string): boolean => valid.has(p);
      const scope = broken(decisionScope(keyOf(ids.digest), storeDir, ids.size, lineage), breakage);
      const indexed = await withIndex(settings, (cache) => {
        // Counts the directories whose kept decisions the scan was given.
        const counting = cache === undefined ? undefined : {
          ...cache,
          lookup: (...args: Parameters<typeof cache.lookup>) => {
            const found = cache.lookup(...args);
            if (found?.decisions !== undefined) decided++;
            if (found?.translated !== undefined) translated++;
            return found;
          },
        };
        return findRoots(settings, isValid, { cache: counting, order: 'any', ids, io });
      }, false, scope);
      expect(indexed.findings).toEqual([]);
      keptRoots += indexed.result.keptRootIds?.length ?? 0;
      const full = await findRoots(settings, isValid, { order: 'any', ids, io });
      // roots --sizes ('unique'): each decided entry made a root again from the listing's names.
      const unique = await withIndex(settings, (cache) => findRoots(settings, isValid, { cache, order: 'unique', ids, io }), false, scope);
      const fullUnique = await findRoots(settings, isValid, { order: 'unique', ids, io });
      const [a, b] = [view(indexed.result), view(full)];
      const [c, d] = [rootsView(unique.result), rootsView(fullUnique)];
      if (JSON.stringify(a) !== JSON.stringify(b) || JSON.stringify(c) !== JSON.stringify(d)) {
        const [x, y] = JSON.stringify(a) !== JSON.stringify(b) ? [a, b] : [c, d];
        return { divergence: `after step ${i} (${JSON.stringify(step, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}):\nkept ${JSON.stringify(x)}\nfull ${JSON.stringify(y)}`, decided, keptRoots, translated };
      }
    }
    return { divergence: null, decided, keptRoots, translated };
  } finally {
    removeTree(root);
  }
}

const stepsArb = fc.array(stepArb, { minLength: 1, maxLength: 20 });
const seedArb = fc.nat();

describe('kept root decisions = classifying every entry again', () => {
  it('after every step of random changes to the roots trees and to validity', async () => {
    let decided = 0;
    let keptRoots = 0;
    let translated = 0;
    await fc.assert(fc.asyncProperty(stepsArb, seedArb, async (steps, seed) => {
      const r = await firstDivergence(steps, seed, (digest) => digest);
      decided += r.decided;
      keptRoots += r.keptRoots;
      translated += r.translated;
      expect(r.divergence).toBeNull();
    }), { numRuns: RUNS, seed: 20261130 });
    // The property means little unless kept decisions were actually used, and translated.
    expect(decided).toBeGreaterThan(3 * RUNS);
    expect(keptRoots).toBeGreaterThan(RUNS / 2);
    expect(translated).toBeGreaterThan(RUNS / 2);
    console.log(`kept decisions: ${decided} directories decided, ${translated} of them translated through a lineage`);
  }, 600_000);

  for (const breakage of ['off-by-one', 'deleted-kept', 'no-recheck'] as const) {
    it(`can fail: a translation broken (${breakage}) is caught`, async () => {
      const result = await fc.check(fc.asyncProperty(stepsArb, seedArb, async (steps, seed) => {
        return (await firstDivergence(steps, seed, (digest) => digest, breakage)).divergence === null;
      }), { numRuns: RUNS, seed: 20261130 });
      expect(result.failed, `a translation with ${breakage} must be caught`).toBe(true);
    }, 600_000);
  }

  it('can fail: decisions kept across graphs of different digests are caught', async () => {
    const result = await fc.check(fc.asyncProperty(stepsArb, seedArb, async (steps, seed) => {
      return (await firstDivergence(steps, seed, () => 'one key for every graph')).divergence === null;
    }), { numRuns: RUNS, seed: 20261130 });
    expect(result.failed, 'decisions reused across a graph change must be caught').toBe(true);
  }, 600_000);
});
