/**
 * When `storegc watch` checks free space next (issue 9): every base interval while checks find
 * enough free space or runs free what they aim for; after a run that freed less than a tenth of
 * what it aimed for (or failed), the interval doubles, up to an hour, so a store whose garbage
 * is all collected is not scanned every minute for nothing. Any check that finds enough free
 * space, or run that frees enough, brings the interval back to the base. Pure: no I/O.
 */

/** The back-off never waits longer than this (unless the base interval itself is longer). */
export const BACKOFF_CAP_SECONDS = 3600;

/** What the last check came to. */
export type CheckOutcome =
  /** Free space was not below --min-free: nothing ran. */
  | { readonly kind: 'idle' }
  /** A collection ran: the bytes it needed to reach its goal when it started, and what it freed. */
  | { readonly kind: 'ran'; readonly aimedBytes: bigint; readonly freedBytes: bigint }
  /** A collection failed (an error a user can fix, such as an unreadable root): as one that freed nothing. */
  | { readonly kind: 'failed' };

/**
 * What a run aims for: the bytes between free space when it started and its goal, which is
 * --ensure-free when given, else --min-free (the goal gc's `target` reports against). Never
 * negative: a goal already met aims for nothing.
 */
export function aimedBytes(goal: bigint, freeBefore: bigint): bigint {
  return goal > freeBefore ? goal - freeBefore : 0n;
}

/**
 * A run freed too little when it freed less than a tenth of its aim. A run that aimed for
 * nothing (its --ensure-free was below --min-free, so it fired and stopped at once) and freed
 * nothing counts as too little too: checking again at the base rate would do the same.
 */
export function freedTooLittle(aimed: bigint, freed: bigint): boolean {
  return freed * 10n < (aimed > 0n ? aimed : 1n);
}

/** Seconds until the next check, given the base interval, the interval just waited and the last outcome. */
export function nextCheckSeconds(baseSeconds: number, previousSeconds: number, outcome: CheckOutcome): number {
  const backOff = outcome.kind === 'failed' || (outcome.kind === 'ran' && freedTooLittle(outcome.aimedBytes, outcome.freedBytes));
  if (!backOff) return baseSeconds;
  const cap = Math.max(baseSeconds, BACKOFF_CAP_SECONDS);
  return Math.min(cap, Math.max(baseSeconds, previousSeconds) * 2);
}
