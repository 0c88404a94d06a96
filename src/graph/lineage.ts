/**
 * Where a graph came from, when it was refreshed from an earlier one: the earlier graph's key
 * and the delta between them, as graph ids. Graph ids are ranks of the valid paths in byte order
 * (pathTable.ts), so the paths that stay keep their relative order and every earlier id has its
 * new id, or none, computable from the delta alone in one pass: no path is looked up. Caches
 * keyed on the earlier key (the roots index's kept decisions) translate their ids with it
 * instead of deciding everything again. Pure.
 */

export interface GraphLineage {
  /** The graph cache's key of the graph this one was refreshed from. */
  readonly previousKey: string;
  /** How many paths that graph had. */
  readonly previousCount: number;
  /** Its ids of the paths no longer valid, ascending. */
  readonly deleted: Int32Array;
  /** This graph's ids of the paths not in that graph, ascending (a path deleted and registered again is in both). */
  readonly added: Int32Array;
}

/**
 * The lineage of `next` (of `nextCount` paths) from a graph of `previousCount` paths whose
 * ValidPaths ids (`previousDbIds`, per graph id) in `deletedDbIds` are gone; `nextDbIds` above
 * `watermark` (the earlier sqlite_sequence) are the paths registered since.
 */
export function lineageOf(previousKey: string, previousDbIds: Float64Array, deletedDbIds: ReadonlySet<number>, nextDbIds: Float64Array, watermark: number): GraphLineage {
  const deleted: number[] = [];
  if (deletedDbIds.size > 0) for (let i = 0; i < previousDbIds.length; i++) if (deletedDbIds.has(previousDbIds[i]!)) deleted.push(i);
  const added: number[] = [];
  for (let i = 0; i < nextDbIds.length; i++) if (nextDbIds[i]! > watermark) added.push(i);
  return { previousKey, previousCount: previousDbIds.length, deleted: Int32Array.from(deleted), added: Int32Array.from(added) };
}

/**
 * Earlier id -> new id (-1 for a deleted path) for a graph of `nextCount` paths, or undefined when
 * the lineage does not fit these counts (then nothing is translated). O(previous + changes).
 */
export function translateIds(lineage: GraphLineage, nextCount: number): Int32Array | undefined {
  const { previousCount, deleted, added } = lineage;
  if (previousCount - deleted.length + added.length !== nextCount) return undefined;
  const map = new Int32Array(previousCount);
  let d = 0;
  let a = 0;
  let next = 0;
  for (let old = 0; old < previousCount; old++) {
    if (d < deleted.length && deleted[d] === old) {
      map[old] = -1;
      d++;
      continue;
    }
    // Added paths sort between the survivors: skip the new ids they took.
    while (a < added.length && added[a] === next) {
      a++;
      next++;
    }
    map[old] = next++;
  }
  // Every deleted id met in order, every added id below nextCount: else the lists were not sorted or in range.
  if (d !== deleted.length || added.length - a !== nextCount - next) return undefined;
  for (; a < added.length; a++, next++) if (added[a] !== next) return undefined;
  return map;
}
