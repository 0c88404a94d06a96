/**
 * The roots index's equivalence proof: after every step of thousands of random operation
 * sequences on a roots tree (create, delete, replace and retarget files, symlinks and
 * directories, rename across directories, chmod, rewrite a file, change an indirect root's
 * outside link, all at random moments including the same timestamp tick as the last scan),
 * a scan through the index — persisted in its SQLite file between steps — returns exactly what
 * a full scan returns. Each sequence saves the index with one of several delta policies: never
 * fold the delta into a new base (every change after the first scan goes through the delta),
 * fold at the default share or at a share of one, or rewrite every changed directory whole.
 */
import fc from 'fast-check';
import pLimit from 'p-limit';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../src/config/settings.js';
import { TIMESTAMP_MARGIN_NS } from '../../../src/roots/index/listing.js';
import { MAX_DELTA_SHARE } from '../../../src/roots/index/listingDelta.js';
import { RootsIndex } from '../../../src/roots/index/rootsIndex.js';
import { isInStore } from '../../../src/store/storePath.js';
import { readRootTrees } from '../../../src/roots/readRootTrees.js';
import type { RootTrees } from '../../../src/roots/readRootTrees.js';
import { RootsTree, TICK_NS } from '../../support/rootsTreeOps.js';
import type { Op, OpKind } from '../../support/rootsTreeOps.js';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { removeTree } from '../../support/fsTree.js';

/** Thousands of small trees: in memory where the machine has it. */
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

const KINDS: OpKind[] = ['file', 'link-store', 'link-outside', 'link-relative', 'mkdir', 'remove', 'replace', 'rename',
  'chmod', 'write-content', 'outside-link', 'outside-remove', 'outside-dir'];

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom(...KINDS),
  pick: fc.nat(1000),
  pick2: fc.nat(1000),
  name: fc.nat(20),
  // The same instant, within a tick, within the margin, or long after.
  advanceNs: fc.oneof(fc.constant(0n), fc.bigInt(1n, TICK_NS - 1n), fc.bigInt(TICK_NS, TIMESTAMP_MARGIN_NS), fc.bigInt(TIMESTAMP_MARGIN_NS + 1n, 100n * TIMESTAMP_MARGIN_NS)),
});

/**
 * What a scan says, order aside: entries, outside looks and findings, one line each. Without
 * files for an `index update` scan, which emits neither files nor links into the store
 * (`storeDir`): only the links leaving it.
 */
function view(t: RootTrees, files = true, storeDir = ''): string[] {
  return [
    ...t.entries.filter((e) => files || (e.type === 'symlink' && !isInStore(storeDir, e.target)))
      .map((e) => (e.type === 'file' ? `file ${e.path}` : `link ${e.path} -> ${e.target}`)),
    ...t.scan.outside.map((o) => `outside ${o.link} -> ${o.target}: ${o.result}`),
    ...t.findings.map((f) => `finding ${f.code} ${f.path}`),
  ].sort();
}

/**
 * Runs `ops` on a fresh tree; after each, scans through the index (then saves it) and in full.
 * Returns the first step at which they differ, or null.
 */
async function firstDivergence(ops: readonly Op[], marginNs: bigint, blockingReads = true, maxDeltaShare = MAX_DELTA_SHARE): Promise<string | null> {
  const root = mkdtempSync(join(SCRATCH, 'storegc-index-prop-'));
  const tree = new RootsTree(root);
  const settings = resolveSettings({ storeDir: join(root, 'store'), stateDir: join(root, 'var'), runtimeRoots: false }, {}, []);
  const file = join(root, 'index.sqlite');
  const limit = pLimit(4);
  try {
    for (const [i, op] of [undefined, ...ops].entries()) {
      if (op !== undefined) tree.apply(op);
      // Some steps are `index update` scans, which do not read the files of unchanged directories.
      const updateOnly = op !== undefined && op.pick2 % 3 === 0;
      // The scan starts a little after the operation, on the same virtual clock.
      tree.nowNs += 1n;
      // Bases keep the links leaving the scan's store, another store's, or none: lookups must not care.
      const keptFor = [settings.storeDir, settings.storeDir, undefined, join(root, 'home')][(op?.pick ?? 0) % 4];
      const index = RootsIndex.open(file, settings.stateDir, false, keptFor);
      let indexed: RootTrees;
      try {
        indexed = await readRootTrees(settings, limit, index, { fs: tree.fs, nowNs: () => tree.nowNs, marginNs, blocking: blockingReads }, !updateOnly);
        index.save(indexed.scan.listings, indexed.scan.outside, { startedNs: indexed.scan.startNs, finishedMs: 0, dirs: 0, reused: 0, read: 0, entries: 0, outside: 0 }, maxDeltaShare);
      } finally {
        index.close();
      }
      const full = await readRootTrees(settings, limit);
      const [a, b] = [view(indexed, !updateOnly, settings.storeDir), view(full, !updateOnly, settings.storeDir)];
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        return `after step ${i} (${JSON.stringify(op, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}):\nindexed ${JSON.stringify(a)}\nfull    ${JSON.stringify(b)}`;
      }
    }
    return null;
  } finally {
    removeTree(root);
  }
}

describe('incremental roots index = full scan', () => {
  it('after every step of 2000 random operation sequences', async () => {
    // Half the runs make no blocking calls, as the scanner does once the disk turns out slow.
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), fc.boolean(), fc.constantFrom(Infinity, MAX_DELTA_SHARE, 1, 0), async (ops, blocking, share) => {
      expect(await firstDivergence(ops, TIMESTAMP_MARGIN_NS, blocking, share)).toBeNull();
    }), { numRuns: 2000, seed: 20261126 });
  }, 600_000);
});

describe('the equivalence proof can fail', () => {
  it('finds a stale listing when the index trusts timestamps without a margin', async () => {
    const result = await fc.check(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
      return (await firstDivergence(ops, 0n)) === null;
    }), { numRuns: 2000, seed: 20261126 });
    expect(result.failed, 'a margin-free index must be caught serving a stale listing').toBe(true);
  });
});
