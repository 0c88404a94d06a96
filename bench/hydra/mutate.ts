/**
 * K changed roots, mixed like the tree: 80 % regular files added to or removed from the flat
 * Hydra directory, 20 % per-user symlinks retargeted, in as many project directories as they
 * happen to fall in. Planning is pure; applying returns the undo, which puts every entry back
 * (directory mtimes excepted). While a mutation is applied the tree's cache marker is absent,
 * so an interrupted run regenerates the tree instead of reusing a changed one.
 */
import { rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Rng } from '../../tests/support/prng.js';
import { markComplete } from './generate.js';
import type { Tree } from './generate.js';
import type { TreePlan } from './plan.js';
import { hydraDir, storePath, userLinkPath, writeFileRoot } from './writeRoots.js';

export type Op =
  | { readonly kind: 'add-file'; readonly id: number }
  | { readonly kind: 'remove-file'; readonly id: number }
  | { readonly kind: 'retarget'; readonly link: number; readonly to: number };

/** Up to `n` distinct random integers below `size` that satisfy `ok`. */
function pickDistinct(rng: Rng, size: number, n: number, ok: (i: number) => boolean): number[] {
  const chosen = new Set<number>();
  for (let tries = 0; chosen.size < n && tries < n * 20; tries++) {
    const i = rng.int(0, size - 1);
    if (ok(i)) chosen.add(i);
  }
  return [...chosen];
}

export function planMutation(plan: TreePlan, k: number, rng: Rng): Op[] {
  const fileOps = Math.round(k * 0.8);
  const filed = new Set(plan.files);
  const removes = pickDistinct(rng, plan.files.length, fileOps >> 1, () => true).map((i) => plan.files[i]!);
  const adds = pickDistinct(rng, plan.bases.length, fileOps - removes.length, (id) => !filed.has(id));
  const retargets = pickDistinct(rng, plan.links.length, k - removes.length - adds.length, () => true);
  return [
    ...removes.map((id): Op => ({ kind: 'remove-file', id })),
    ...adds.map((id): Op => ({ kind: 'add-file', id })),
    ...retargets.map((link): Op => ({ kind: 'retarget', link, to: rng.int(0, plan.liveCount - 1) })),
  ];
}

function relink(tree: Tree, link: number, id: number): void {
  const path = userLinkPath(tree.layout, tree.plan.links[link]!);
  unlinkSync(path);
  symlinkSync(storePath(tree.layout, tree.plan, id), path);
}

/** Applies `ops` to the tree on disk; returns the function that undoes them. */
export function applyMutation(tree: Tree, ops: readonly Op[]): () => void {
  const { layout, plan } = tree;
  rmSync(layout.marker, { force: true });
  const fileOf = (id: number): string => join(hydraDir(layout), plan.bases[id]!);
  for (const op of ops) {
    if (op.kind === 'add-file') writeFileRoot(layout, plan, op.id);
    else if (op.kind === 'remove-file') unlinkSync(fileOf(op.id));
    else relink(tree, op.link, op.to);
  }
  return () => {
    for (const op of ops) {
      if (op.kind === 'add-file') unlinkSync(fileOf(op.id));
      else if (op.kind === 'remove-file') writeFileRoot(layout, plan, op.id);
      else relink(tree, op.link, plan.links[op.link]!.id);
    }
    markComplete(layout, tree.info);
  };
}
