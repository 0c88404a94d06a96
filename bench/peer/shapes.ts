/**
 * The stores of issue 8's targets, by number of valid paths: 200k paths with 120k roots, 1.3M
 * paths with 700k roots; other sizes (26k, 100k, small development sizes) get roots for 60 % of
 * their paths, between those two ratios. Every path has four references (1.3M paths, 5.2M refs).
 */
import type { StoreShape } from '../hydra/plan.js';

export const PEER_REFS_PER_PATH = 4;
const ISSUE_ROOTS: ReadonlyMap<number, number> = new Map([[200_000, 120_000], [1_300_000, 700_000]]);

export interface PeerShape {
  readonly roots: number;
  readonly shape: StoreShape;
}

export function shapeFor(paths: number): PeerShape {
  return { roots: ISSUE_ROOTS.get(paths) ?? Math.round(paths * 0.6), shape: { paths, refsPerPath: PEER_REFS_PER_PATH } };
}
