/**
 * Paths in byte order, as `live` and `dead` print them: the valid ones as node ids (a valid
 * node's id is its path's rank in byte order, so no string is made for it: 1.15M live paths at
 * the 1.3M bench store were a string and an object each, 0.4 s of garbage collection), the
 * others (invalid nodes, junk) as PathInfo, each with its place among the ids. Pure.
 */
import { compareBytes } from '../store/bytes.js';
import type { NodeTable } from './nodeTable.js';

export interface PathInfo {
  readonly path: string;
  readonly narSize: number | null;
}

export class PathList {
  private constructor(
    readonly nodes: NodeTable,
    /** Valid node ids, ascending (so in byte order of their paths). */
    readonly ids: Int32Array,
    /** The other paths, in byte order. */
    readonly others: readonly PathInfo[],
    /** For each of `others`, how many of `ids` come before it. */
    readonly placeOf: Int32Array,
  ) {}

  /** @param others sorted by bytes; none of them a valid node's path. */
  static of(nodes: NodeTable, ids: Int32Array, others: readonly PathInfo[]): PathList {
    return new PathList(nodes, ids, others, placesOf(nodes, ids, others));
  }

  get length(): number {
    return this.ids.length + this.others.length;
  }

  /** The same list with more other paths (sorted by bytes), merged in. */
  withOthers(more: readonly PathInfo[]): PathList {
    if (more.length === 0) return this;
    return PathList.of(this.nodes, this.ids, mergeByPath(this.others, more));
  }

  /** Path k in order (each made when asked for). */
  at(k: number): PathInfo | undefined {
    if (!(k >= 0 && k < this.length)) return undefined;
    // Others before position k: the last j with placeOf[j] + j <= k, plus one.
    let lo = 0;
    let hi = this.others.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.placeOf[mid]! + mid <= k) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && this.placeOf[lo - 1]! + lo - 1 === k) return this.others[lo - 1];
    const id = this.ids[k - lo]!;
    const size = this.nodes.graph.narSize[id]!;
    return { path: this.nodes.pathOf(id), narSize: Number.isNaN(size) ? null : size };
  }

  /** The sum of the known narSizes. */
  narSize(): number {
    const { narSize } = this.nodes.graph;
    let sum = 0;
    for (const id of this.ids) if (!Number.isNaN(narSize[id]!)) sum += narSize[id]!;
    for (const p of this.others) sum += p.narSize ?? 0;
    return sum;
  }
}

/**
 * Where each of `others` goes among `ids`: by binary search when they are few (a path made for
 * each probe), else by one walk beside them (a path made for each id).
 */
function placesOf(nodes: NodeTable, ids: Int32Array, others: readonly PathInfo[]): Int32Array {
  const places = new Int32Array(others.length);
  if (others.length === 0) return places;
  if (others.length * Math.log2(ids.length + 2) < ids.length) {
    others.forEach((p, j) => {
      let lo = 0;
      let hi = ids.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareBytes(nodes.pathOf(ids[mid]!), p.path) < 0) lo = mid + 1;
        else hi = mid;
      }
      places[j] = lo;
    });
    return places;
  }
  let i = 0;
  others.forEach((p, j) => {
    while (i < ids.length && compareBytes(nodes.pathOf(ids[i]!), p.path) < 0) i++;
    places[j] = i;
  });
  return places;
}

/** Two lists sorted by path, as one. */
export function mergeByPath(a: readonly PathInfo[], b: readonly PathInfo[]): PathInfo[] {
  if (b.length === 0) return [...a];
  if (a.length === 0) return [...b];
  const out: PathInfo[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compareBytes(a[i]!.path, b[j]!.path) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
