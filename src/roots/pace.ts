/**
 * How the roots scanner paces its system calls. On a warm cache a blocking call costs a tenth
 * of a round trip through the thread pool, so calls are made blocking, a batch at a time, for
 * as long as batches stay fast; two slow batches in a row mean a disk or a network is being
 * read, and from then on, for the rest of the scan, calls go through the pool in parallel.
 * One slow batch alone is not enough: on a busy machine (a build farm's) the scheduler or a
 * garbage collection can stop one batch for longer than the limit, and every later call would
 * then pay the pool's round trip (24k readlinks: 0.3 s instead of 0.05 s); a disk makes every
 * batch slow, so waiting for a second costs it one batch.
 */
/** Slow batches in a row that end blocking calls. */
const SLOW_BATCHES = 2;

export class Pace {
  private fast = true;
  private slowInARow = 0;

  /** @param blocking false: never block (the scan's choice, or a test's). */
  constructor(private readonly blocking = true) {}

  get blockingNow(): boolean {
    return this.blocking && this.fast;
  }

  /** Runs one blocking batch, and notes whether it was slow. */
  timed<T>(slowMs: number, batch: () => T): T {
    const t0 = performance.now();
    const result = batch();
    this.noted(performance.now() - t0, slowMs);
    return result;
  }

  /** Notes a blocking batch that took `ms`, slow beyond `slowMs`. */
  noted(ms: number, slowMs: number): void {
    if (ms <= slowMs) this.slowInARow = 0;
    else if (++this.slowInARow >= SLOW_BATCHES) this.fast = false;
  }

  /**
   * Each item, `now` (blocking) in batches while they stay fast, then `later` for the rest,
   * `batch` at a time in parallel (bounded fan-out: a Hydra roots dir holds a million links).
   */
  async each<T>(items: readonly T[], batch: number, slowMs: number, now: (item: T, index: number) => void, later: (item: T, index: number) => Promise<void>): Promise<void> {
    return this.eachBatch(items, batch, slowMs, (some, from) => some.forEach((item, k) => now(item, from + k)), later);
  }

  /** `each`, with the blocking calls made for a whole batch at once (`now` given its items and the first one's index). */
  async eachBatch<T>(items: readonly T[], batch: number, slowMs: number, now: (items: readonly T[], from: number) => void, later: (item: T, index: number) => Promise<void>): Promise<void> {
    let i = 0;
    for (; i < items.length && this.blockingNow; i += batch) {
      const from = i;
      this.timed(slowMs, () => now(items.slice(from, from + batch), from));
    }
    for (; i < items.length; i += batch) {
      const from = i;
      await Promise.all(items.slice(from, from + batch).map((item, k) => later(item, from + k)));
    }
  }
}
