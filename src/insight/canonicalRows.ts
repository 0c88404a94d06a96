/**
 * One order of the root rows that does not depend on the order they were found in, for keeping
 * the sizes between runs (sizesMemo.ts). The roots index reads its directories concurrently, so
 * `roots --sizes` gets the same rows in another order each run; the memo's digest must not.
 *
 * Rows go by their group's rank (the group names in byte order), then by their targets. Rows
 * left tied have the same group and the same targets: swapping them changes nothing in the job,
 * and their sizes are equal (the same closure; each shares its targets with the other, so the
 * same exclusive set). Groups are numbered by their rank. Pure.
 */
import type { Csr } from '../graph/csr.js';
import type { SizeSums, SizesJob } from './rootSizes.js';

/** The starts of measureSizes: each row's targets, then each group's (its rows' targets). */
export function startsOf(rowTargets: Csr, groupIndex: Int32Array, groupCount: number): Csr {
  const L = groupIndex.length;
  const G = groupCount;
  const groupStart = new Uint32Array(G + 1);
  for (let i = 0; i < L; i++) groupStart[groupIndex[i]! + 1]! += rowTargets.start[i + 1]! - rowTargets.start[i]!;
  for (let g = 0; g < G; g++) groupStart[g + 1]! += groupStart[g]!;
  const start = new Uint32Array(L + G + 1);
  const list = new Int32Array(2 * rowTargets.list.length);
  start.set(rowTargets.start);
  list.set(rowTargets.list);
  for (let g = 0; g < G; g++) start[L + g + 1] = rowTargets.list.length + groupStart[g + 1]!;
  const fill = start.slice(L, L + G);
  for (let i = 0; i < L; i++) {
    const g = groupIndex[i]!;
    for (let k = rowTargets.start[i]!; k < rowTargets.start[i + 1]!; k++) list[fill[g]!++] = rowTargets.list[k]!;
  }
  return { start, list };
}

export interface CanonicalRows {
  readonly job: SizesJob;
  /** The row of `job` at each canonical position. */
  readonly rowAt: Int32Array;
  /** The canonical number of each group of `job` (its rank). */
  readonly groupRank: Int32Array;
}

/** `job` with its rows and groups in canonical order; `groupRank`: each group's rank by name. */
export function canonicalRows(job: SizesJob, groupRank: Int32Array): CanonicalRows {
  const { rowTargets: t, groupIndex } = job;
  const L = groupIndex.length;
  const rowAt = new Int32Array(L);
  for (let i = 0; i < L; i++) rowAt[i] = i;
  const length = (i: number): number => t.start[i + 1]! - t.start[i]!;
  rowAt.sort((a, b) => {
    const byGroup = groupRank[groupIndex[a]!]! - groupRank[groupIndex[b]!]!;
    if (byGroup !== 0) return byGroup;
    const n = Math.min(length(a), length(b));
    for (let k = 0; k < n; k++) {
      const d = t.list[t.start[a]! + k]! - t.list[t.start[b]! + k]!;
      if (d !== 0) return d;
    }
    return length(a) - length(b);
  });
  const start = new Uint32Array(L + 1);
  const list = new Int32Array(t.list.length);
  const groups = new Int32Array(L);
  for (let p = 0; p < L; p++) {
    const i = rowAt[p]!;
    list.set(t.list.subarray(t.start[i]!, t.start[i + 1]!), start[p]!);
    start[p + 1] = start[p]! + length(i);
    groups[p] = groupRank[groupIndex[i]!]!;
  }
  const rowTargets = { start, list };
  return { job: { ...job, rowTargets, groupIndex: groups, starts: startsOf(rowTargets, groups, job.groupCount) }, rowAt, groupRank };
}

/** The sums of the canonical job, back in the order of the job it was made from. */
export function uncanonicalSums(sums: SizeSums, canonical: CanonicalRows): SizeSums {
  const { rowAt, groupRank } = canonical;
  const L = rowAt.length;
  const G = groupRank.length;
  const exclusiveRows = new Float64Array(3 * L);
  const exclusiveGroups = new Float64Array(3 * G);
  const closures = new Float64Array(3 * (L + G));
  for (let p = 0; p < L; p++) {
    const i = rowAt[p]!;
    exclusiveRows.set(sums.exclusiveRows.subarray(3 * p, 3 * p + 3), 3 * i);
    closures.set(sums.closures.subarray(3 * p, 3 * p + 3), 3 * i);
  }
  for (let g = 0; g < G; g++) {
    const r = groupRank[g]!;
    exclusiveGroups.set(sums.exclusiveGroups.subarray(3 * r, 3 * r + 3), 3 * g);
    closures.set(sums.closures.subarray(3 * (L + r), 3 * (L + r) + 3), 3 * (L + g));
  }
  return { exclusiveRows, exclusiveGroups, closures };
}
