/**
 * Hash parts of paths the collector has committed to deleting (rows being removed or gone,
 * files not yet). A gc-socket client asking for one of them is answered only once its batch is
 * fully deleted, as Nix answers only when `pending` no longer names the path (reference §5.5).
 */
export class PendingDeletions {
  private readonly byHash = new Map<string, Promise<void>>();

  /** Marks hash parts pending until the returned function is called. */
  hold(hashes: readonly string[]): () => void {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    for (const h of hashes) this.byHash.set(h, done);
    return () => {
      for (const h of hashes) if (this.byHash.get(h) === done) this.byHash.delete(h);
      release();
    };
  }

  /** Resolves when the hash part is no longer pending (at once if it is not). */
  settled(hash: string): Promise<void> | undefined {
    return this.byHash.get(hash);
  }
}
