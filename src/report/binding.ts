/** What binds a `gc` run's plan, in words (for `storegc status`). */
import type { GcReport } from '../compose/collect.js';

/** Which limit would bind now, in words: the answer to "would it fire, and why not more?". */
export function bindingLimit(now: GcReport): string {
  const t = now.target;
  if (t !== null && t.cause?.startsWith('free space is not below --min-free') === true) return 'min-free: there is enough free space, it would not fire';
  if (now.limitReached) return 'max-freed: it would stop at the byte budget';
  if (t !== null && t.ensureFree !== null && t.met) return 'ensure-free: it would stop once the free space is reached';
  if (t !== null && !t.met) return `nothing: it would delete all it can and still miss the target by ${t.shortfallBytes} bytes`;
  return 'nothing: it would delete every dead path';
}
