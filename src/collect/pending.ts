/**
 * Paths the collector has committed to deleting (rows being removed or gone, files not yet).
 * A gc-socket client asking for one of them is answered only once its batch is fully deleted,
 * as Nix answers only when `pending` no longer names the path (reference §5.5). Clients are
 * rare, so a batch's hash parts are only collected into a set when one asks.
 */
export class PendingDeletions {
  private readonly batches = new Set<{ hashes: () => Set<string>; done: Promise<void> }>();

  /** Marks the hash parts of `paths` pending until the returned function is called. */
  hold(paths: readonly string[], hashOf: (path: string) => string): () => void {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    let set: Set<string> | undefined;
    const batch = { hashes: () => (set ??= new Set(paths.map(hashOf))), done };
    this.batches.add(batch);
    return () => {
      this.batches.delete(batch);
      release();
    };
  }

  /** Resolves when the hash part is no longer pending; undefined if it is not pending. */
  settled(hash: string): Promise<void> | undefined {
    for (const batch of this.batches) if (batch.hashes().has(hash)) return batch.done;
    return undefined;
  }
}
