/**
 * The shape of a Hydra-scale store and roots tree, decided from (size, seed) alone: pure, no
 * I/O, so the generator and the mutator agree on it without a manifest on disk.
 *
 * Of `size` roots: 80 % regular files in one flat directory (Hydra's gcroots/hydra), 1 % indirect
 * `auto/` roots, one profile per user with PROFILE_GENERATIONS generations, and the rest symlinks
 * in nested per-user project directories. The store holds `size` valid paths unless a StoreShape
 * says otherwise; the last 10 % are never rooted and referenced only by each other, so they are
 * dead.
 */
import { createRng } from '../../tests/support/prng.js';
import type { Rng } from '../../tests/support/prng.js';

export const HASH_ALPHABET = '0123456789abcdfghijklmnpqrsvwxyz';
export const PROFILE_GENERATIONS = 20;
const LINKS_PER_PROJECT = 100;

export interface UserLink {
  /** Directory under gcroots/per-user, e.g. `user-3/proj-12`. */
  readonly dir: string;
  readonly name: string;
  readonly id: number;
}

/**
 * How many valid paths the store holds and how many references each path has, when they differ
 * from the Hydra default (as many paths as roots, five references each).
 */
export interface StoreShape {
  readonly paths: number;
  readonly refsPerPath: number;
}

export const HYDRA_REFS_PER_PATH = 5;

export interface TreePlan {
  /** Roots. */
  readonly size: number;
  readonly seed: number;
  /** Distinct references each path has to paths with lower ids (fewer for the first ids). */
  readonly refsPerPath: number;
  /** Store path basenames (`<hash>-pkg-<i>`), indexed by path id. */
  readonly bases: readonly string[];
  /** Ids at or above this are dead: no root reaches them. */
  readonly liveCount: number;
  /** Ids rooted by a regular file gcroots/hydra/<base>; distinct. */
  readonly files: readonly number[];
  readonly links: readonly UserLink[];
  /** gcroots/auto/<hash> -> OUTSIDE/auto-<i>/result -> store path `id`. */
  readonly autos: ReadonlyArray<{ readonly hash: string; readonly id: number }>;
  /** Per user, the ids of generations 1..PROFILE_GENERATIONS. */
  readonly profiles: ReadonlyArray<{ readonly user: string; readonly generations: readonly number[] }>;
}

export function hashPart(rng: Rng): string {
  let out = '';
  for (let k = 0; k < 32; k++) out += HASH_ALPHABET.charAt(rng.int(0, 31));
  return out;
}

/**
 * Roots the plan makes, counted as root findings: a user's `profile` link is found once more
 * through its second hop `profile-<n>-link`, which Nix 2.8 then prints only once per path.
 */
export function expectedRoots(plan: TreePlan): number {
  const generations = plan.profiles.reduce((n, p) => n + p.generations.length + 1, 0);
  return plan.files.length + plan.links.length + plan.autos.length + generations;
}

/**
 * `size` roots over `shape.paths` valid paths (default: as many as roots). Roots only ever name
 * the first 90 % of the paths; with fewer roots than paths, unrooted paths among those that no
 * live path refers to are dead too.
 */
export function planTree(size: number, seed: number, shape: StoreShape = { paths: size, refsPerPath: HYDRA_REFS_PER_PATH }): TreePlan {
  const rng = createRng(seed * 7919 + size);
  const bases = Array.from({ length: shape.paths }, (_, i) => `${hashPart(rng)}-pkg-${i}`);
  const liveCount = Math.floor(shape.paths * 0.9);
  if (Math.floor(size * 0.8) > liveCount) throw new Error(`${size} roots need at least ${Math.ceil((size * 0.8) / 0.9)} paths`);
  const live = (): number => rng.int(0, liveCount - 1);
  const users = Array.from({ length: Math.max(5, Math.round(size / 10_000)) }, (_, u) => `user-${u}`);

  const fileCount = Math.floor(size * 0.8);
  const autoCount = Math.max(1, Math.floor(size * 0.01));
  const linkCount = size - fileCount - autoCount - users.length * (PROFILE_GENERATIONS + 1);
  // A partial Fisher-Yates over the live ids gives distinct file names (one file per path).
  const ids = Int32Array.from({ length: liveCount }, (_, i) => i);
  for (let i = 0; i < fileCount; i++) {
    const j = rng.int(i, liveCount - 1);
    const t = ids[i]!;
    ids[i] = ids[j]!;
    ids[j] = t;
  }
  const files = Array.from(ids.subarray(0, fileCount));

  const links: UserLink[] = [];
  for (let i = 0; i < linkCount; i++) {
    const user = users[i % users.length]!;
    const project = Math.floor(i / (users.length * LINKS_PER_PROJECT));
    const id = live();
    links.push({ dir: `${user}/proj-${project}`, name: `${i}-pkg-${id}`, id });
  }
  const autos = Array.from({ length: autoCount }, () => ({ hash: hashPart(rng), id: live() }));
  const profiles = users.map((user) => ({ user, generations: Array.from({ length: PROFILE_GENERATIONS }, live) }));
  return { size, seed, refsPerPath: shape.refsPerPath, bases, liveCount, files, links, autos, profiles };
}
