/**
 * Node ids for liveness: the graph's valid paths keep their ids (0..n-1); store entries and
 * temp roots that are not valid get ids from n on. All nodes are known before the walk.
 */
import type { StoreGraph } from '../graph/storeGraph.js';
import { hashPartOf } from '../store/storePath.js';

export class NodeTable {
  private readonly extraIds = new Map<string, number>();
  private readonly extraNames: string[] = [];

  constructor(readonly graph: StoreGraph) {}

  get validCount(): number {
    return this.graph.paths.size;
  }

  /** The paths of the nodes that are not valid, in id order (from validCount on). */
  get invalidNames(): readonly string[] {
    return this.extraNames;
  }

  get size(): number {
    return this.validCount + this.extraNames.length;
  }

  /** The id of a path, registering it as an invalid node when it is not valid. */
  intern(path: string): number {
    const valid = this.graph.paths.idOf(path);
    if (valid !== -1) return valid;
    let id = this.extraIds.get(path);
    if (id === undefined) {
      id = this.size;
      this.extraIds.set(path, id);
      this.extraNames.push(path);
    }
    return id;
  }

  /** `intern` for a store directory entry, by its name: no full path is built for a valid one. */
  internName(name: string): number {
    const valid = this.graph.paths.idOfName(name);
    return valid !== -1 ? valid : this.intern(`${this.graph.storeDir}/${name}`);
  }

  /**
   * 1 for every node whose hash part is in `hashParts` (temp roots protect by hash part,
   * reference §5.6): valid paths sharing a hash part are adjacent in byte order, so each hash
   * part is one range of the path table; the few other nodes are checked one by one.
   */
  withHashParts(hashParts: ReadonlySet<string>): Uint8Array {
    const bits = new Uint8Array(this.size);
    if (hashParts.size === 0) return bits;
    const storeDir = this.graph.storeDir;
    for (const hash of hashParts) {
      const [from, to] = this.graph.paths.rangeWithPrefix(`${storeDir}/${hash}`);
      bits.fill(1, from, to);
    }
    this.extraNames.forEach((path, i) => {
      if (hashParts.has(hashPartOf(storeDir, path))) bits[this.validCount + i] = 1;
    });
    return bits;
  }

  /** The id of a path already known (valid or interned), without registering it. */
  internedId(path: string): number | undefined {
    const valid = this.graph.paths.idOf(path);
    return valid !== -1 ? valid : this.extraIds.get(path);
  }

  isValid(id: number): boolean {
    return id < this.validCount;
  }

  pathOf(id: number): string {
    return id < this.validCount ? this.graph.paths.pathOf(id) : this.extraNames[id - this.validCount]!;
  }
}
