/**
 * `--order lru` (issue 9): which dead paths go first under a budget. Pure.
 *
 * A path's last use is the newest access time the file system records for it (`lastUseOf`,
 * over the times snapshot/readAccessTimes.ts reads: the path itself when it is not a directory,
 * else its direct children that are not directories), else its registration time. The deletion
 * order must still be topological: a path's ValidPaths row cannot go while a referrer's row is
 * there (reference §10.1). And a referrer's use is a use of what it references (running a
 * program loads its libraries), so each path is keyed by its effective last use: the later of
 * its own and that of its dead referrers. `lruOrder` is Kahn's algorithm over the dead subgraph
 * with a binary heap on (effective last use, position in Nix's order): a path becomes eligible
 * once every dead referrer is deleted, and the eligible path used longest ago goes next; ties
 * keep Nix's order.
 */
import type { Csr } from '../graph/csr.js';
import { rowOf } from '../graph/csr.js';
import type { NodeTable } from '../liveness/nodeTable.js';

export type DeletionOrder = 'nix' | 'lru';

/** Times of a store entry as lstat reports them, in seconds. */
export interface AccessTimes {
  readonly atime: number;
  readonly mtime: number;
}

/**
 * The last use of one path, in seconds: the newest access time among `stats` that the file
 * system recorded, else the registration time. An access time is recorded when it is later than
 * the modification time, which Nix sets to 1 for every store file: an atime of 0, or one not
 * after the mtime (a mount or image that never stored access times, timestamps clamped by an
 * image builder), is no use. Unregistered entries with no recorded access are the oldest of all.
 * @param stats the times read for the path (none when it is missing, or a directory without files).
 * @param registrationTime undefined for an unregistered entry.
 */
export function lastUseOf(stats: readonly AccessTimes[], registrationTime: number | undefined): number {
  let newest = Number.NEGATIVE_INFINITY;
  for (const { atime, mtime } of stats) if (atime > 0 && atime > mtime && atime > newest) newest = atime;
  return newest > Number.NEGATIVE_INFINITY ? newest : registrationTime ?? 0;
}

/**
 * `lastUseOf` for the nodes `ids` (with `stats` read for them, in the same order), indexed by
 * node id; other nodes are NaN.
 */
export function lastUseTimes(nodes: NodeTable, ids: readonly number[], stats: readonly (readonly AccessTimes[])[]): Float64Array {
  const out = new Float64Array(nodes.size).fill(Number.NaN);
  ids.forEach((id, i) => {
    out[id] = lastUseOf(stats[i]!, nodes.isValid(id) ? nodes.graph.registrationTime[id] : undefined);
  });
  return out;
}

/**
 * The deletion order of n dead paths, as positions 0..n-1.
 * @param lastUse per position, its own last use (seconds).
 * @param references per position, the positions it references (edges to other dead paths only;
 *   self-references are ignored). Positions are in Nix's order, which breaks ties.
 * @returns the positions in deletion order and each one's effective last use.
 * @throws when the references have a cycle (the plan keeps cycles out: a bug if it happens).
 */
export function lruOrder(lastUse: Float64Array, references: Csr): { order: Int32Array; effective: Float64Array } {
  const n = lastUse.length;
  const effective = Float64Array.from(lastUse);
  const waiting = new Uint32Array(n); // dead referrers not deleted yet
  for (let i = 0; i < n; i++) for (const r of rowOf(references, i)) if (r !== i) waiting[r]!++;
  const heap = new PositionHeap(effective);
  for (let i = 0; i < n; i++) if (waiting[i] === 0) heap.push(i);
  const order = new Int32Array(n);
  let done = 0;
  while (heap.size > 0) {
    const p = heap.pop();
    order[done++] = p;
    for (const r of rowOf(references, p)) {
      if (r === p) continue;
      if (effective[p]! > effective[r]!) effective[r] = effective[p]!;
      if (--waiting[r]! === 0) heap.push(r);
    }
  }
  if (done !== n) throw new Error(`lruOrder: ${n - done} paths are in a reference cycle`);
  return { order, effective };
}

/** A binary min-heap of positions by (key, position); a key is final once its position is pushed. */
class PositionHeap {
  private readonly items: number[] = [];

  constructor(private readonly key: Float64Array) {}

  get size(): number {
    return this.items.length;
  }

  push(p: number): void {
    const items = this.items;
    let i = items.push(p) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(p, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = p;
  }

  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= items.length) break;
        const c = l + 1 < items.length && this.less(items[l + 1]!, items[l]!) ? l + 1 : l;
        if (!this.less(items[c]!, last)) break;
        items[i] = items[c]!;
        i = c;
      }
      items[i] = last;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && a < b);
  }
}
