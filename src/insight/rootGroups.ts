/**
 * Groups of roots, a partition of the root rows: a profile with all its generations
 * (`.../name` and `.../name-<N>-link`), the runtime roots of one process (`/proc/<pid>/...`),
 * each temp-roots owner (`{temp:<pid>}`), otherwise the link's directory. Pure.
 */
import type { Root } from '../roots/types.js';

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * `name` when the link is `name-<N>-link` (as /^(.*)-[0-9]+-link$/ matches; a name holding a
 * line break is none), else null. By hand: a million roots would spend a second in the regex.
 */
export function generationOf(link: string): string | null {
  const end = link.length - '-link'.length;
  if (end < 2 || !link.endsWith('-link')) return null;
  let digits = end;
  while (digits > 0 && isDigit(link.charCodeAt(digits - 1))) digits--;
  if (digits === end || digits === 0 || link.charCodeAt(digits - 1) !== 45) return null;
  const name = link.slice(0, digits - 1);
  return name.includes('\n') || name.includes('\r') ? null : name;
}

/** `/proc/<pid>` for a link under it (/^(\/proc\/[0-9]+)\//), else null. */
function procOf(link: string): string | null {
  if (!link.startsWith('/proc/')) return null;
  let i = '/proc/'.length;
  while (i < link.length && isDigit(link.charCodeAt(i))) i++;
  return i > '/proc/'.length && link.charCodeAt(i) === 47 ? link.slice(0, i) : null;
}

export function groupOf(root: Root, profileNames: ReadonlySet<string>, generation: string | null = generationOf(root.link)): string {
  if (root.kind === 'temp') return root.link;
  const proc = procOf(root.link);
  if (proc !== null) return proc;
  if (generation !== null) return generation;
  if (profileNames.has(root.link)) return root.link;
  const slash = root.link.lastIndexOf('/');
  return slash <= 0 ? '/' : root.link.slice(0, slash);
}

/** Group name of each root and the group names in first-seen order. */
export function groupRoots(roots: readonly Root[]): { readonly groupIndex: Int32Array; readonly names: readonly string[] } {
  // A link is a profile when a generation link `<link>-<N>-link` exists beside it.
  const generations = roots.map((r) => generationOf(r.link));
  const profileNames = new Set<string>();
  for (const g of generations) if (g !== null) profileNames.add(g);
  const index = new Map<string, number>();
  const names: string[] = [];
  const groupIndex = new Int32Array(roots.length);
  // The links of one directory are usually adjacent (roots come sorted by link): the next one
  // is checked against the last directory without making its name again.
  let dir = '';
  let dirGroup = -1;
  roots.forEach((root, i) => {
    const link = root.link;
    const slash = link.lastIndexOf('/');
    const byDirectory = root.kind !== 'temp' && generations[i] === null && procOf(link) === null && !profileNames.has(link);
    if (byDirectory && dirGroup !== -1 && slash === dir.length && link.startsWith(dir)) {
      groupIndex[i] = dirGroup;
      return;
    }
    const name = groupOf(root, profileNames, generations[i]!);
    let g = index.get(name);
    if (g === undefined) {
      g = names.length;
      index.set(name, g);
      names.push(name);
    }
    groupIndex[i] = g;
    if (byDirectory && slash > 0) {
      dir = name;
      dirGroup = g;
    }
  });
  return { groupIndex, names };
}
