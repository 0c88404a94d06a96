/**
 * The registered part of a random store: sources, derivations with built and unbuilt outputs,
 * and "environments" (profile generations) referring to outputs. References always point to
 * earlier paths, so the graph is a DAG apart from self-references; metadata is consistent
 * (every output's deriver lists it in its DerivationOutputs rows, reference §7.3).
 */
import type { StoreBuilder } from './builder.js';
import { storeName } from './names.js';
import type { Rng } from './prng.js';

export interface Catalog {
  /** Registered store paths (basenames), in creation order. */
  readonly registered: string[];
  /** Outputs listed by a derivation but never built. */
  readonly unbuilt: string[];
  readonly drvs: string[];
  /** Registered outputs of derivations. */
  readonly outputs: string[];
  /** Environment paths meant to be profile generations. */
  readonly envs: string[];
}

const OUTPUT_SETS: readonly (readonly string[])[] = [['out'], ['out'], ['out', 'dev'], ['out', 'lib', 'doc']];

export function generateGraph(b: StoreBuilder, rng: Rng): Catalog {
  const cat: Catalog = { registered: [], unbuilt: [], drvs: [], outputs: [], envs: [] };
  const sources: string[] = [];
  for (let i = rng.int(2, 6); i > 0; i--) {
    const base = b.path(storeName(rng), {
      refs: rng.sample(sources, rng.int(0, 2)),
      selfRef: rng.chance(0.15),
      kind: rng.chance(0.3) ? 'file' : 'dir',
    });
    sources.push(base);
    cat.registered.push(base);
  }
  for (let i = rng.int(2, 6); i > 0; i--) {
    const ids = rng.pick(OUTPUT_SETS);
    const built = ids.filter(() => rng.chance(0.75));
    const registered = rng.chance(0.88);
    const d = b.derivation(storeName(rng).slice(0, 200), {
      outputs: ids,
      built,
      registered,
      refs: [...rng.sample(cat.drvs, rng.int(0, 2)), ...rng.sample(sources, rng.int(0, 2))],
      outputRefs: [...rng.sample(cat.outputs, rng.int(0, 3)), ...rng.sample(sources, rng.int(0, 1))],
    });
    if (registered) {
      cat.drvs.push(d.drv);
      cat.registered.push(d.drv);
    }
    for (const [id, out] of d.outputs) {
      if (built.includes(id)) {
        cat.outputs.push(out);
        cat.registered.push(out);
      } else {
        cat.unbuilt.push(out);
      }
    }
  }
  for (let i = rng.int(1, 4); i > 0; i--) {
    const env = b.path(`user-environment${i === 1 ? '' : `-${i}`}`, {
      refs: rng.sample([...cat.outputs, ...sources], rng.int(1, 4)),
      selfRef: rng.chance(0.1),
    });
    cat.envs.push(env);
    cat.registered.push(env);
  }
  return cat;
}
