/**
 * Groups of roots, a partition of the root rows: a profile with all its generations
 * (`.../name` and `.../name-<N>-link`), the runtime roots of one process (`/proc/<pid>/...`),
 * each temp-roots owner (`{temp:<pid>}`), otherwise the link's directory. Pure.
 */
import type { Root } from '../roots/types.js';

const GENERATION = /^(.*)-[0-9]+-link$/;
const PROC = /^(\/proc\/[0-9]+)\//;

export function groupOf(root: Root, profileNames: ReadonlySet<string>): string {
  if (root.kind === 'temp') return root.link;
  const proc = PROC.exec(root.link);
  if (proc !== null) return proc[1]!;
  const generation = GENERATION.exec(root.link);
  if (generation !== null) return generation[1]!;
  if (profileNames.has(root.link)) return root.link;
  const slash = root.link.lastIndexOf('/');
  return slash <= 0 ? '/' : root.link.slice(0, slash);
}

/** Group name of each root and the group names in first-seen order. */
export function groupRoots(roots: readonly Root[]): { readonly groupIndex: Int32Array; readonly names: readonly string[] } {
  // A link is a profile when a generation link `<link>-<N>-link` exists beside it.
  const profileNames = new Set<string>();
  for (const r of roots) {
    const g = GENERATION.exec(r.link);
    if (g !== null) profileNames.add(g[1]!);
  }
  const index = new Map<string, number>();
  const names: string[] = [];
  const groupIndex = new Int32Array(roots.length);
  roots.forEach((root, i) => {
    const name = groupOf(root, profileNames);
    let g = index.get(name);
    if (g === undefined) {
      g = names.length;
      index.set(name, g);
      names.push(name);
    }
    groupIndex[i] = g;
  });
  return { groupIndex, names };
}
