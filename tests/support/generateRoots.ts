/**
 * Random roots (reference §3): symlink and regular-file roots in nested gcroots dirs, links into
 * a path's subdirectory, indirect roots through `auto/` (live, stale, two-level, relative second
 * hop, invalid target), profiles with generations, and the entries that must NOT be roots
 * (relative links into the store, links to outside directories, fifos, `.links`, `//`).
 */
import type { StoreBuilder } from './builder.js';
import type { Catalog } from './generateGraph.js';
import { base32, linkName } from './names.js';
import type { Rng } from './prng.js';
import { inStore } from './spec.js';

interface Ctx {
  readonly b: StoreBuilder;
  readonly rng: Rng;
  readonly cat: Catalog;
  /** Parseable basenames that are not registered (on disk or not). */
  readonly invalid: readonly string[];
  /** A fresh path under $R/home (relative to R). */
  readonly home: (what: string) => string;
}

type Feature = readonly [probability: number, add: (c: Ctx) => void];

const target = (c: Ctx): string =>
  c.invalid.length > 0 && c.rng.chance(0.15) ? c.rng.pick(c.invalid) : c.rng.pick(c.cat.registered);
const autoName = (c: Ctx): string => `gcroots/auto/${base32(c.rng, 32)}`;

const FEATURES: readonly Feature[] = [
  [0.7, (c) => c.b.link('var/gcroots/profiles', '@/var/profiles', 'not-root:dir-link')],
  [0.9, (c) => {
    for (let i = c.rng.int(1, 4); i > 0; i--) {
      const dir = c.rng.pick(['', 'sub/', 'a/b/', 'per-user/root/', 'deep/er/est/']);
      c.b.symlinkRoot(`gcroots/${dir}${linkName(c.rng)}${i}`, target(c));
    }
  }],
  [0.4, (c) => c.b.symlinkRoot(`gcroots/into-${linkName(c.rng)}`, c.rng.pick(c.cat.registered), c.rng.pick(['bin/run', 'bin', 'no/such/file']))],
  [0.5, (c) => {
    c.b.fileRoot('gcroots/hydra', c.rng.pick(c.cat.registered));
    c.b.symlinkRoot(`gcroots/hydra/${linkName(c.rng)}`, target(c));
    if (c.invalid.length > 0) c.b.file(`var/gcroots/hydra/${c.rng.pick(c.invalid)}`, '', 'not-root:invalid-file');
    c.b.file('var/gcroots/hydra/not-a-store-path', 'x', 'not-root:file-name');
  }],
  [0.4, (c) => c.b.link(`var/gcroots/rel-${linkName(c.rng)}`, `../../store/${c.rng.pick(c.cat.registered)}`, 'not-root:relative')],
  [0.4, (c) => {
    c.b.link('var/gcroots/outside-dir', '@/home/outside', 'not-root:outside-dir');
    c.b.link('home/outside/inner', inStore(c.rng.pick(c.cat.registered)), 'not-root:inside-outside-dir');
  }],
  [0.6, (c) => {
    for (let i = c.rng.int(1, 3); i > 0; i--) c.b.indirectRoot(autoName(c).slice(12), c.home('result'), target(c));
  }],
  [0.4, (c) => c.b.link(`var/${autoName(c)}`, `@/${c.home('gone')}/result`, 'stale')],
  [0.3, (c) => {
    const [hop1, hop2] = [c.home('hop'), c.home('hop')];
    c.b.link(`var/${autoName(c)}`, `@/${hop1}`, 'not-root:two-level');
    c.b.link(hop1, `@/${hop2}`).link(hop2, inStore(c.rng.pick(c.cat.registered)));
  }],
  [0.2, (c) => {
    const hop = c.home('relhop');
    c.b.link(`var/${autoName(c)}`, `@/${hop}`, 'not-root:relative-second-hop');
    c.b.link(hop, `../store/${c.rng.pick(c.cat.registered)}`);
  }],
  [0.25, (c) => {
    if (c.invalid.length === 0) return;
    const hop = c.home('bad');
    c.b.link(`var/${autoName(c)}`, `@/${hop}`, 'not-root:invalid-indirect');
    c.b.link(hop, inStore(c.rng.pick(c.invalid)));
  }],
  [0.3, (c) => {
    c.b.symlinkRoot('gcroots/.hidden', target(c));
    c.b.symlinkRoot(`gcroots/.hidden-dir/${linkName(c.rng)}`, target(c));
  }],
  [0.3, (c) => c.b.fifo('var/gcroots/a-fifo', 'not-root:fifo')],
  [0.2, (c) => c.b.link('var/gcroots/links-dir', '@/store/.links', 'not-root:links')],
  [0.15, (c) => c.b.link('var/gcroots/store-dir', '@/store', 'not-root:store-dir')],
  [0.15, (c) => c.b.link('var/gcroots/double-slash', `@/store//${c.rng.pick(c.cat.registered)}`, 'not-root:double-slash')],
  [0.1, (c) => c.b.link('var/gcroots/trailing-slash', `${inStore(c.rng.pick(c.cat.registered))}/`, 'root:symlink')],
  [0.3, (c) => c.b.link('var/gcroots/dangling', '@/home/nope', 'not-root:dangling')],
  [0.3, (c) => c.b.symlinkRoot(`${autoName(c)}`, target(c))],
  [0.15, (c) => c.b.link(`var/gcroots/auto/sub/${base32(c.rng, 8)}`, `@/${c.home('gone')}`, 'stale')],
  [0.2, (c) => c.b.dir('home').link(`var/${autoName(c)}`, '@/home', 'not-root:auto-to-dir')],
  [0.8, addProfiles],
];

function addProfiles(c: Ctx): void {
  for (let p = c.rng.int(1, 2); p > 0; p--) {
    const dir = c.rng.chance(0.4) ? 'profiles/per-user/alice' : 'profiles';
    const name = c.rng.pick(['profile', 'system', 'default', 'channels']) + (p === 1 ? '' : `-${p}`);
    const gens = Array.from({ length: c.rng.int(1, 4) }, () =>
      c.rng.chance(0.7) ? c.rng.pick(c.cat.envs) : c.rng.pick(c.cat.registered));
    const current = c.rng.int(1, gens.length);
    gens.forEach((gen, i) => c.b.link(`var/${dir}/${name}-${i + 1}-link`, inStore(gen), 'root:generation'));
    const currentTarget = c.rng.chance(0.2) ? `@/var/${dir}/${name}-${current}-link` : `${name}-${current}-link`;
    c.b.link(`var/${dir}/${name}`, currentTarget, 'profile');
  }
}

/** Adds a random selection of root shapes (at least one symlink root). */
export function generateRoots(b: StoreBuilder, rng: Rng, cat: Catalog, invalid: readonly string[]): void {
  let n = 0;
  const c: Ctx = { b, rng, cat, invalid, home: (what) => `home/${what}-${++n}` };
  for (const [p, add] of FEATURES) if (rng.chance(p)) add(c);
}
