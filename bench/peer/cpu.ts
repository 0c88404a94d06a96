/**
 * Median CPU time (user + system) of a row's timed runs, for its note: on a loaded machine wall
 * times stretch with the other load, CPU times much less. Pure.
 */
import { median } from '../hydra/measure.js';
import type { Sample } from '../hydra/measure.js';

export function cpuNote(samples: readonly Sample[]): string {
  const cpu = samples.map((s) => s.cpuMs).filter((v): v is number => v !== null);
  return cpu.length === 0 ? '' : `cpu ${(median(cpu) / 1000).toFixed(2)} s`;
}
