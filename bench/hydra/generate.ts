/**
 * A generated store per (size, seed), cached under the bench directory: a tree whose marker
 * file exists is complete and reused; anything else at that place is removed and regenerated.
 * The mutator removes the marker while the tree differs from its plan, so an interrupted run
 * never leaves a changed tree behind as if it were the cached one.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { layoutOf } from './layout.js';
import type { Layout } from './layout.js';
import { expectedRoots, planTree } from './plan.js';
import type { StoreShape, TreePlan } from './plan.js';
import { sizeLabel } from './options.js';
import { writeRoots } from './writeRoots.js';
import { writeSkeleton, writeStore } from './writeStore.js';

/** Bump when the generated shape changes, so old caches are not reused. */
const GENERATOR_VERSION = 2;

export interface TreeInfo {
  readonly size: number;
  readonly paths: number;
  readonly refs: number;
  readonly roots: number;
  readonly version: number;
}

export interface Tree {
  readonly layout: Layout;
  readonly plan: TreePlan;
  readonly info: TreeInfo;
  /** Milliseconds spent generating, or null when the cache was used. */
  readonly generatedMs: number | null;
}

export function markComplete(layout: Layout, info: TreeInfo): void {
  writeFileSync(layout.marker, `${JSON.stringify(info)}\n`);
}

/** The cache directory's name: the Hydra default is `hydra-<roots>-seed<S>`. */
export function treeName(size: number, seed: number, shape?: StoreShape): string {
  if (shape === undefined) return `hydra-${sizeLabel(size)}-seed${seed}`;
  return `store-${sizeLabel(shape.paths)}p-${sizeLabel(size)}r-${shape.refsPerPath}refs-seed${seed}`;
}

/** `size` roots; `shape` sets the paths and references per path (default: the Hydra shape). */
export function ensureTree(dir: string, size: number, seed: number, shape?: StoreShape): Tree {
  const layout = layoutOf(join(dir, treeName(size, seed, shape)));
  const plan = planTree(size, seed, shape);
  if (existsSync(layout.marker)) {
    const info = JSON.parse(readFileSync(layout.marker, 'utf8')) as TreeInfo;
    if (info.version === GENERATOR_VERSION) return { layout, plan, info, generatedMs: null };
  }
  const start = performance.now();
  rmSync(layout.root, { recursive: true, force: true });
  writeSkeleton(layout);
  const refs = writeStore(layout, plan);
  writeRoots(layout, plan);
  const info: TreeInfo = { size, paths: plan.bases.length, refs, roots: expectedRoots(plan), version: GENERATOR_VERSION };
  markComplete(layout, info);
  return { layout, plan, info, generatedMs: performance.now() - start };
}
