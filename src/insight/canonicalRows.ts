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
  const length = (i: number): number => t.start[i + 1]! - t.start[i]!;
  const byRows = (a: number, b: number): number => {
    const byGroup = groupRank[groupIndex[a]!]! - groupRank[groupIndex[b]!]!;
    if (byGroup !== 0) return byGroup;
    const n = Math.min(length(a), length(b));
    for (let k = 0; k < n; k++) {
      const d = t.list[t.start[a]! + k]! - t.list[t.start[b]! + k]!;
      if (d !== 0) return d;
    }
    return length(a) - length(b);
  };
  const rowAt = sortRows(L, t, groupIndex, groupRank, byRows);
  const start = new Uint32Array(L + 1);
  const list = new Int32Array(t.list.length);
  const groups = new Int32Array(L);
  for (let p = 0; p < L; p++) {
    const i = rowAt[p]!;
    let at = start[p]!;
    for (let k = t.start[i]!; k < t.start[i + 1]!; k++) list[at++] = t.list[k]!;
    start[p + 1] = at;
    groups[p] = groupRank[groupIndex[i]!]!;
  }
  const rowTargets = { start, list };
  return { job: { ...job, rowTargets, groupIndex: groups, starts: startsOf(rowTargets, groups, job.groupCount) }, rowAt, groupRank };
}

/** Key bits for the row's index (a million rows and more sort with the comparator alone). */
const INDEX = 2 ** 21;

/**
 * Rows in the order of `byRows`, without calling it for most: the typed-array sort (no
 * comparator) by first target and index, then a stable counting sort by group rank; only runs
 * of one group and one first target holding a row of other than one target are compared whole.
 */
function sortRows(L: number, t: Csr, groupIndex: Int32Array, groupRank: Int32Array, byRows: (a: number, b: number) => number): Int32Array {
  const rowAt = new Int32Array(L);
  for (let i = 0; i < L; i++) rowAt[i] = i;
  if (L >= INDEX) return rowAt.sort(byRows);
  const first = (i: number): number => (t.start[i + 1]! > t.start[i]! ? t.list[t.start[i]!]! + 1 : 0);
  const keys = new Float64Array(L);
  for (let i = 0; i < L; i++) keys[i] = first(i) * INDEX + i;
  keys.sort();
  const G = groupRank.length;
  const count = new Int32Array(G + 1);
  for (let i = 0; i < L; i++) count[groupRank[groupIndex[i]!]! + 1]!++;
  for (let r = 0; r < G; r++) count[r + 1]! += count[r]!;
  for (let k = 0; k < L; k++) {
    const i = keys[k]! % INDEX;
    rowAt[count[groupRank[groupIndex[i]!]!]!++] = i;
  }
  for (let run = 0; run < L;) {
    let end = run + 1;
    let single = t.start[rowAt[run]! + 1]! - t.start[rowAt[run]!]! === 1;
    const g = groupIndex[rowAt[run]!]!;
    while (end < L && groupIndex[rowAt[end]!]! === g && first(rowAt[end]!) === first(rowAt[run]!)) {
      if (t.start[rowAt[end]! + 1]! - t.start[rowAt[end]!]! !== 1) single = false;
      end++;
    }
    if (end - run > 1 && !single) rowAt.subarray(run, end).sort(byRows);
    run = end;
  }
  return rowAt;
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
    for (let k = 0; k < 3; k++) {
      exclusiveRows[3 * i + k] = sums.exclusiveRows[3 * p + k]!;
      closures[3 * i + k] = sums.closures[3 * p + k]!;
    }
  }
  for (let g = 0; g < G; g++) {
    const r = groupRank[g]!;
    for (let k = 0; k < 3; k++) {
      exclusiveGroups[3 * g + k] = sums.exclusiveGroups[3 * r + k]!;
      closures[3 * (L + g) + k] = sums.closures[3 * (L + r) + k]!;
    }
  }
  return { exclusiveRows, exclusiveGroups, closures };
}
