/**
 * The dead paths each tool printed, and how two such sets differ. storegc `dead` prints one
 * store path per line (Nix's --print-dead format); fast-nix-gc --dry-run prints one store path
 * per line too, then a summary line `N store paths would be deleted (~size)`, and logs on stderr.
 * Both are read as the set of lines that start with `<store>/`; fast-nix-gc's own count in the
 * summary line is checked against its list. Pure.
 */
export function deadSet(stdout: string, store: string): Set<string> {
  const prefix = `${store}/`;
  return new Set(stdout.split('\n').filter((l) => l.startsWith(prefix)));
}

/** The N of fast-nix-gc's `N store paths would be deleted` line, or null if it printed none. */
export function peerCount(stdout: string): number | null {
  const m = /^([0-9]+) store paths? would be deleted/m.exec(stdout);
  return m === null ? null : Number(m[1]);
}

export interface SetDiff {
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
}

export function diffSets(a: ReadonlySet<string>, b: ReadonlySet<string>): SetDiff {
  return { onlyA: [...a].filter((x) => !b.has(x)), onlyB: [...b].filter((x) => !a.has(x)) };
}

export const sameSet = (d: SetDiff): boolean => d.onlyA.length === 0 && d.onlyB.length === 0;
