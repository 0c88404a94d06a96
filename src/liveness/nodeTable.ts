/**
 * Node ids for liveness: the graph's valid paths keep their ids (0..n-1); store entries and
 * temp roots that are not valid get ids from n on. All nodes are known before the walk.
 */
import type { StoreGraph } from '../graph/storeGraph.js';

export class NodeTable {
  private readonly extraIds = new Map<string, number>();
  private readonly extraNames: string[] = [];

  constructor(readonly graph: StoreGraph) {}

  get validCount(): number {
    return this.graph.paths.length;
  }

  get size(): number {
    return this.validCount + this.extraNames.length;
  }

  /** The id of a path, registering it as an invalid node when it is not valid. */
  intern(path: string): number {
    const valid = this.graph.idOf.get(path);
    if (valid !== undefined) return valid;
    let id = this.extraIds.get(path);
    if (id === undefined) {
      id = this.size;
      this.extraIds.set(path, id);
      this.extraNames.push(path);
    }
    return id;
  }

  /** The id of a path already known (valid or interned), without registering it. */
  internedId(path: string): number | undefined {
    return this.graph.idOf.get(path) ?? this.extraIds.get(path);
  }

  isValid(id: number): boolean {
    return id < this.validCount;
  }

  pathOf(id: number): string {
    return id < this.validCount ? this.graph.paths[id]! : this.extraNames[id - this.validCount]!;
  }
}
