/**
 * generateStore(seed): a deterministic random store of mixed shape (pure: no I/O). The seed
 * picks which shapes appear; see generateGraph, generateExtras and generateRoots for the menu.
 */
import { StoreBuilder } from './builder.js';
import { addJunk, addSettings, addTempRoots, addUnregistered, perturbDisk } from './generateExtras.js';
import { generateGraph } from './generateGraph.js';
import { generateRoots } from './generateRoots.js';
import { createRng } from './prng.js';
import type { StoreSpec } from './spec.js';

export interface GenerateOptions {
  /** Skip temp roots (e.g. for callers that cannot hold flocks). Default false. */
  readonly noTempRoots?: boolean;
}

export function generateStore(seed: number, options: GenerateOptions = {}): StoreSpec {
  const rng = createRng(seed);
  const b = new StoreBuilder(seed);
  addSettings(b, rng);
  const cat = generateGraph(b, rng);
  const invalid = addUnregistered(b, rng, cat);
  addJunk(b, rng);
  generateRoots(b, rng, cat, invalid);
  if (options.noTempRoots !== true) addTempRoots(b, rng, cat, invalid);
  return perturbDisk(b.build(), rng, cat);
}
