/**
 * The sizes memo keeps sums in canonical row order: the same rows found in another order (and
 * their groups numbered otherwise) must give the same canonical job, hence the same digest, and
 * sums measured on the canonical job must be, put back in place, those of the job itself, even
 * for rows that tie (same group, same targets).
 */
import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/graph/csr.js';
import { canonicalRows, startsOf, uncanonicalSums } from '../../src/insight/canonicalRows.js';
import { measureSizes } from '../../src/insight/rootSizes.js';
import type { DiskUsage, SizesJob } from '../../src/insight/rootSizes.js';
import { keepGraphDigest, sizesInputKey } from '../../src/insight/sizesMemo.js';
import { createRng } from '../support/prng.js';
import type { Rng } from '../support/prng.js';

interface World {
  readonly job: SizesJob;
  readonly disk: DiskUsage;
  readonly groupRank: Int32Array;
  readonly rows: number[][];
}

function jobOf(base: Omit<SizesJob, 'starts' | 'rowTargets' | 'groupIndex'>, rows: readonly number[][], groupIndex: Int32Array): SizesJob {
  const start = new Uint32Array(rows.length + 1);
  rows.forEach((r, i) => (start[i + 1] = start[i]! + r.length));
  const rowTargets = { start, list: Int32Array.from(rows.flat()) };
  return { ...base, rowTargets, groupIndex, starts: startsOf(rowTargets, groupIndex, base.groupCount) };
}

function world(rng: Rng): World {
  const valid = rng.int(1, 30);
  const nodeCount = valid + rng.int(0, 3);
  const edges = Array.from({ length: rng.int(0, valid * 3) }, () => [rng.int(0, valid - 1), rng.int(0, nodeCount - 1)] as const);
  const succ = buildCsr(valid, Int32Array.from(edges, (e) => e[0]), Int32Array.from(edges, (e) => e[1]), edges.length);
  const groupCount = rng.int(1, 5);
  const L = groupCount + rng.int(0, 20);
  const rows: number[][] = [];
  const groups: number[] = [];
  for (let i = 0; i < L; i++) {
    if (i > 0 && rng.int(0, 4) === 0) {
      // A tie: another link in the same group to the same paths.
      const j = rng.int(0, i - 1);
      rows.push([...rows[j]!]);
      groups.push(groups[j]!);
      continue;
    }
    const kind = rng.int(0, 9);
    const targets = kind === 0 ? [] : kind === 1 ? [...new Set([rng.int(0, nodeCount - 1), rng.int(0, nodeCount - 1), rng.int(0, nodeCount - 1)])].sort((a, b) => a - b) : [rng.int(0, nodeCount - 1)];
    rows.push(targets);
    groups.push(i < groupCount ? i : rng.int(0, groupCount - 1));
  }
  const nar = Float64Array.from({ length: nodeCount }, () => rng.int(0, 1000));
  const own = Float64Array.from({ length: nodeCount }, () => rng.int(0, 100));
  const shared = Array.from({ length: rng.int(0, 3) }, () => ({ bytes: rng.int(1, 500), holders: [...new Set([rng.int(0, nodeCount - 1), rng.int(0, nodeCount - 1)])] }));
  const groupRank = Int32Array.from(rng.shuffle([...Array(groupCount).keys()]));
  return { job: jobOf({ succ, nodeCount, groupCount, nar }, rows, Int32Array.from(groups)), disk: { own, shared }, groupRank, rows };
}

/** The same rows in another order, their groups numbered otherwise (and ranked to match). */
function reordered(rng: Rng, w: World): World {
  const L = w.rows.length;
  const G = w.job.groupCount;
  const order = rng.shuffle([...Array(L).keys()]);
  const relabel = rng.shuffle([...Array(G).keys()]);
  const groupRank = new Int32Array(G);
  for (let g = 0; g < G; g++) groupRank[relabel[g]!] = w.groupRank[g]!;
  const rows = order.map((i) => w.rows[i]!);
  const groupIndex = Int32Array.from(order, (i) => relabel[w.job.groupIndex[i]!]!);
  return { ...w, job: jobOf(w.job, rows, groupIndex), groupRank, rows };
}

const arrays = (job: SizesJob) => [job.rowTargets.start, job.rowTargets.list, job.groupIndex, job.starts.start, job.starts.list].map((a) => [...a]);
const sums = (s: ReturnType<typeof measureSizes>) => [[...s.exclusiveRows], [...s.exclusiveGroups], [...s.closures]];

describe('canonicalRows', () => {
  it('gives one job, and one digest, for the same rows in any order', () => {
    const rng = createRng(41);
    for (let round = 0; round < 300; round++) {
      const w = world(rng);
      const v = reordered(rng, w);
      const a = canonicalRows(w.job, w.groupRank);
      const b = canonicalRows(v.job, v.groupRank);
      expect(arrays(b.job), `round ${round}`).toEqual(arrays(a.job));
      const graph = keepGraphDigest(w.job.succ);
      expect(sizesInputKey(b.job, v.disk, graph).equals(sizesInputKey(a.job, w.disk, graph))).toBe(true);
    }
  });

  it('gives the sums of the job itself once they are put back in place', () => {
    const rng = createRng(43);
    for (let round = 0; round < 300; round++) {
      const w = world(rng);
      const canonical = canonicalRows(w.job, w.groupRank);
      expect(sums(uncanonicalSums(measureSizes(canonical.job, w.disk), canonical)), `round ${round}`).toEqual(sums(measureSizes(w.job, w.disk)));
    }
  });

  it('gives another digest when a row keeps other paths', () => {
    const rng = createRng(47);
    for (let round = 0; round < 100; round++) {
      const w = world(rng);
      const i = w.rows.findIndex((r) => r.length === 1);
      if (i === -1 || w.job.nodeCount === 1) continue;
      const rows = w.rows.map((r, k) => (k === i ? [(r[0]! + 1) % w.job.nodeCount] : r));
      const changed = jobOf(w.job, rows, w.job.groupIndex);
      const graph = keepGraphDigest(w.job.succ);
      const key = (job: SizesJob) => sizesInputKey(canonicalRows(job, w.groupRank).job, w.disk, graph);
      expect(key(changed).equals(key(w.job))).toBe(false);
    }
  });
});
