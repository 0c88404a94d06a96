/**
 * Some of a root set's roots, each root's graph id kept beside it (RootSet.rootIds: liveness takes
 * a root by its id where known, and looks its path up where not, -1). Pure.
 */
import type { Root, RootSet } from './types.js';

type WithIds = { readonly roots: readonly Root[]; readonly rootIds: readonly number[] };

/** The ids of `set`'s roots, -1 for each not known (all of them when the set has none, or not one per root). */
function idsOf(set: Pick<RootSet, 'roots' | 'rootIds'>): readonly number[] {
  return set.rootIds?.length === set.roots.length ? set.rootIds : set.roots.map(() => -1);
}

/** The roots of `set` but those `leaveOut` names. */
export function withoutRoots(set: Pick<RootSet, 'roots' | 'rootIds'>, leaveOut: (root: Root) => boolean): WithIds {
  const ids = idsOf(set);
  const roots: Root[] = [];
  const rootIds: number[] = [];
  set.roots.forEach((root, i) => {
    if (leaveOut(root)) return;
    roots.push(root);
    rootIds.push(ids[i]!);
  });
  return { roots, rootIds };
}

/** The roots of `set`, then `more` (their ids not known). */
export function withMoreRoots(set: Pick<RootSet, 'roots' | 'rootIds'>, more: readonly Root[]): WithIds {
  return { roots: [...set.roots, ...more], rootIds: [...idsOf(set), ...more.map(() => -1)] };
}
