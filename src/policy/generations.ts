/**
 * Which profile generations to remove: Nix 2.8's `nix-collect-garbage -d` /
 * `--delete-older-than` walk over `profiles/` (reference §12), plus `--keep-generations N`
 * (nix#9455). Pure: it takes a snapshot of the profiles tree (src/policy/readProfiles.ts) and
 * `now`, and returns removals in the order Nix would print them. Paths are binary strings.
 *
 * Quirks copied from Nix 2.8 (§12.1-12.4, checked against real nix-collect-garbage 2.8):
 * - a profile is a symlink, in a directory we may write, whose target text contains `link`;
 *   directories are recursed; profiles come in readdir order, depth first;
 * - generation N of profile X is any entry `X-<n>-link…`: the text after `X-` up to the first
 *   `-link`, read as an unsigned 32-bit number with an optional `+` and leading zeros;
 * - the current generation is the number parsed from the profile's target text; an absolute
 *   target does not parse, so the current generation is unknown and `-d` removes them all (12.2);
 * - `-d` removes every generation but the current, ascending, including newer ones;
 * - `--delete-older-than` walks newest to oldest, keeps the first generation older than the
 *   cutoff (it was current then) and removes every older one but the current, descending;
 * - Nix removes the canonical link `X-<n>-link`, whatever the entry that was parsed was named.
 * Refused, failing closed: a generation newer than the cutoff found below the kept one (Nix 2.8
 * aborts on an assertion) is kept and reported.
 */

/** A directory entry as read (lstat, no following). `mtime` is st_mtime in whole seconds. */
export interface DirEntrySnapshot {
  readonly name: string;
  readonly kind: 'link' | 'dir' | 'other';
  readonly mtime: number;
  /** readlink text for links; undefined when it could not be read (Nix skips those). */
  readonly target?: string | undefined;
  /** For directories: their contents, or undefined when not readable (Nix skips them silently). */
  readonly dir?: DirSnapshot | undefined;
}

export interface DirSnapshot {
  readonly path: string;
  /** access(W_OK): Nix only treats symlinks in writable directories as profiles. */
  readonly writable: boolean;
  /** In readdir order: the order Nix walks them. */
  readonly entries: readonly DirEntrySnapshot[];
}

export interface Generation {
  readonly number: number;
  /** The entry the number was parsed from. */
  readonly entry: string;
  readonly mtime: number;
}

export interface Profile {
  /** Full path of the profile symlink. */
  readonly path: string;
  readonly dir: string;
  readonly name: string;
  readonly target: string;
  /** undefined when the target does not name a generation (e.g. absolute: §12.2). */
  readonly current: number | undefined;
  /** Sorted by number (stable: equal numbers keep readdir order), as Nix's findGenerations. */
  readonly generations: readonly Generation[];
  readonly writable: boolean;
}

export interface GenerationOptions {
  readonly deleteOld?: boolean;
  /** `--delete-older-than`, in seconds; implies deleteOld and takes its place (as in Nix). */
  readonly deleteOlderThanSeconds?: number | undefined;
  /** Keep the N newest generations (by number) whatever else is asked; never the current either. */
  readonly keepGenerations?: number | undefined;
  /** Only profiles whose path (absolute, or relative to the profiles dir) matches this glob. */
  readonly profilesGlob?: string | undefined;
}

export interface GenerationRemoval {
  readonly profile: string;
  readonly generation: number;
  /** What Nix unlinks: `<profile>-<generation>-link`. */
  readonly link: string;
  /** The entry whose name gave the number (differs from `link` for names like `X-007-link`). */
  readonly entry: string;
  /** The profile's target when decided: the executor removes nothing if it changed since. */
  readonly profileTarget: string;
}

export interface GenerationKept {
  readonly profile: string;
  readonly generation: number;
  readonly reason: 'current' | 'active-at-cutoff' | 'keep-generations' | 'newer-than-cutoff';
}

export interface GenerationDecision {
  /** Profiles considered, in walk order (Nix prints "removing old generations of profile P"). */
  readonly profiles: readonly string[];
  readonly remove: readonly GenerationRemoval[];
  readonly kept: readonly GenerationKept[];
  /**
   * The generation links (full entry paths) of the profiles considered that are neither the
   * current generation nor removed: what these flags keep that `-d` alone would remove.
   */
  readonly retained: readonly string[];
}

const MAX_GENERATION = 0xffff_ffff;

/** Nix's parseName (§12.1): the generation number of `entry` for profile `profileName`, or undefined. */
export function parseGenerationName(profileName: string, entry: string): number | undefined {
  if (!entry.startsWith(`${profileName}-`)) return undefined;
  const rest = entry.slice(profileName.length + 1);
  const p = rest.indexOf('-link');
  if (p < 0) return undefined;
  // boost::lexical_cast<unsigned int>: optional '+', decimal digits, no blanks, no '-' accepted here
  // (Nix 2.8 rejects `-0` and `-1` as well), within 32 bits.
  const m = /^\+?([0-9]+)$/.exec(rest.slice(0, p));
  if (m === null) return undefined;
  const n = Number(m[1]);
  return n <= MAX_GENERATION ? n : undefined;
}

/** The profiles of a snapshot, in Nix's walk order, with their generations. */
export function profilesOf(root: DirSnapshot | undefined): Profile[] {
  const out: Profile[] = [];
  const walk = (dir: DirSnapshot): void => {
    for (const e of dir.entries) {
      if (e.kind === 'link' && dir.writable) {
        if (e.target !== undefined && e.target.includes('link')) out.push(profileAt(dir, e.name, e.target));
      } else if (e.kind === 'dir' && e.dir !== undefined) {
        walk(e.dir);
      }
    }
  };
  if (root !== undefined) walk(root);
  return out;
}

function profileAt(dir: DirSnapshot, name: string, target: string): Profile {
  const generations: Generation[] = [];
  for (const e of dir.entries) {
    const number = parseGenerationName(name, e.name);
    if (number !== undefined) generations.push({ number, entry: e.name, mtime: e.mtime });
  }
  generations.sort((a, b) => a.number - b.number); // stable, like std::list::sort
  return { path: `${dir.path}/${name}`, dir: dir.path, name, target, current: parseGenerationName(name, target), generations, writable: dir.writable };
}

/** `*` and `?` within one path segment, `**` across segments; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

function matchesGlob(profile: Profile, rootPath: string, glob: RegExp | undefined): boolean {
  if (glob === undefined) return true;
  const relative = profile.path.startsWith(`${rootPath}/`) ? profile.path.slice(rootPath.length + 1) : profile.path;
  return glob.test(profile.path) || glob.test(relative);
}

/**
 * The generations to remove from every profile under `root` (the snapshot of `STATE/profiles`).
 * Nix re-reads the directory for each profile, after the previous profile's removals: links
 * removed earlier in the walk are neither profiles nor generations later on.
 */
export function planGenerationRemoval(root: DirSnapshot | undefined, options: GenerationOptions, now: number): GenerationDecision {
  const active = options.deleteOld === true || options.deleteOlderThanSeconds !== undefined || options.keepGenerations !== undefined;
  if (!active || root === undefined) return { profiles: [], remove: [], kept: [], retained: [] };
  const glob = options.profilesGlob === undefined ? undefined : globToRegExp(options.profilesGlob);
  const removed = new Set<string>();
  const profiles: string[] = [];
  const remove: GenerationRemoval[] = [];
  const kept: GenerationKept[] = [];
  const retained: string[] = [];
  for (const found of profilesOf(root)) {
    if (removed.has(found.path) || !matchesGlob(found, root.path, glob)) continue;
    const profile = { ...found, generations: found.generations.filter((g) => !removed.has(`${found.dir}/${g.entry}`)) };
    profiles.push(profile.path);
    const decided = decideProfile(profile, options, now);
    for (const r of decided.remove) {
      remove.push(r);
      removed.add(r.link);
    }
    kept.push(...decided.kept);
    const gone = new Set(decided.remove.map((r) => r.generation));
    for (const g of profile.generations) if (g.number !== profile.current && !gone.has(g.number)) retained.push(`${profile.dir}/${g.entry}`);
  }
  return { profiles, remove, kept, retained };
}

function decideProfile(p: Profile, options: GenerationOptions, now: number): { remove: GenerationRemoval[]; kept: GenerationKept[] } {
  const kept: GenerationKept[] = [];
  const protectedNewest = newestNumbers(p.generations, options.keepGenerations);
  const removal = (g: Generation): GenerationRemoval => ({ profile: p.path, generation: g.number, link: `${p.path}-${g.number}-link`, entry: `${p.dir}/${g.entry}`, profileTarget: p.target });
  const candidates: Generation[] = [];
  if (options.deleteOlderThanSeconds !== undefined) {
    const cutoff = now - options.deleteOlderThanSeconds;
    let canDelete = false;
    for (const g of [...p.generations].reverse()) {
      if (!canDelete) {
        if (g.mtime < cutoff) {
          canDelete = true;
          if (g.number !== p.current) kept.push({ profile: p.path, generation: g.number, reason: 'active-at-cutoff' });
        }
      } else if (g.mtime >= cutoff) kept.push({ profile: p.path, generation: g.number, reason: 'newer-than-cutoff' });
      else if (g.number !== p.current) candidates.push(g);
    }
  } else {
    for (const g of p.generations) if (g.number !== p.current) candidates.push(g);
  }
  if (p.current !== undefined && p.generations.some((g) => g.number === p.current)) kept.push({ profile: p.path, generation: p.current, reason: 'current' });
  const remove: GenerationRemoval[] = [];
  for (const g of candidates) {
    if (protectedNewest.has(g.number)) kept.push({ profile: p.path, generation: g.number, reason: 'keep-generations' });
    else remove.push(removal(g));
  }
  return { remove, kept };
}

function newestNumbers(generations: readonly Generation[], n: number | undefined): Set<number> {
  if (n === undefined) return new Set();
  const numbers = [...new Set(generations.map((g) => g.number))].sort((a, b) => b - a);
  return new Set(numbers.slice(0, n));
}
