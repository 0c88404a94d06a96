/**
 * The random store generator itself: deterministic per seed, rebuilt identically in the same
 * directory, and covering every shape the random conformance suite is meant to mix (counted
 * over the suite's own seeds 1..200).
 */
import { describe, expect, it } from 'vitest';
import { generateStore } from '../support/generate.js';
import { materializeStore } from '../support/materialize.js';
import type { StoreSpec } from '../support/spec.js';
import { MAX_NAME_LEN, NAME_CHARS } from '../support/storePathSyntax.js';
import { useTempDirs } from '../support/tempDir.js';
import { treeLines } from '../support/treeDigest.js';
import { listDir } from '../support/fsTree.js';

const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

/** Every shape a store can show, as predicates over its spec. */
const SHAPES: Record<string, (s: StoreSpec) => boolean> = {
  'junk entry': (s) => s.junk.length > 0,
  'registered path missing on disk': (s) => s.paths.some((p) => p.registered && !p.onDisk),
  'unregistered entry on disk': (s) => s.paths.some((p) => !p.registered && p.onDisk),
  '.lock sibling': (s) => s.paths.some((p) => p.name.endsWith('.lock') && !p.registered),
  '.drv.chroot sibling': (s) => s.paths.some((p) => p.name.endsWith('.drv.chroot')),
  '.check sibling': (s) => s.paths.some((p) => p.name.endsWith('.check')),
  'non-dash separator': (s) => s.paths.some((p) => p.base.charAt(32) !== '-'),
  'unbuilt output': (s) => s.derivationOutputs.some((o) => !s.paths.some((p) => p.base === o.path && p.registered)),
  'output whose drv is unregistered': (s) => s.paths.some((p) => p.deriver !== null && !s.paths.some((d) => d.base === p.deriver && d.registered)),
  'self reference': (s) => s.paths.some((p) => p.refs.includes(p.base)),
  'reference chain of 3': (s) => s.paths.some((p) => p.refs.some((r) => s.paths.some((q) => q.base === r && q.refs.some((x) => x !== r)))),
  '211-character name': (s) => s.paths.some((p) => p.name.length === MAX_NAME_LEN),
  'name with every allowed character': (s) => s.paths.some((p) => [...NAME_CHARS].every((c) => p.name.includes(c))),
  'leading-dot name': (s) => s.paths.some((p) => p.name.startsWith('.')),
  'live temp-root owner': (s) => s.tempRoots.some((t) => t.owner === 'alive' && t.entries.length > 0),
  'dead temp-root owner': (s) => s.tempRoots.some((t) => t.owner === 'dead' && !t.file.startsWith('.')),
  '0NNN temproots name': (s) => s.tempRoots.some((t) => t.file.startsWith('0')),
  'torn temproots tail': (s) => s.tempRoots.some((t) => t.tail !== undefined),
  'hidden temproots file': (s) => s.tempRoots.some((t) => t.file.startsWith('.')),
  'alias setting name': (s) => s.settings.some((x) => x.name.startsWith('gc-')),
  'fifo in gcroots': (s) => s.tree.some((e) => e.node.type === 'fifo'),
  'nested gcroots dirs': (s) => s.tree.some((e) => /^var\/gcroots\/[^/]+\/[^/]+\/[^/]+/.test(e.path) && !e.path.includes('/auto/')),
  'hidden gcroots entry': (s) => s.tree.some((e) => e.path.startsWith('var/gcroots/.')),
  'regular-file root': (s) => s.tree.some((e) => e.role === 'root:file'),
  'per-user profile': (s) => s.tree.some((e) => e.path.startsWith('var/profiles/per-user/')),
  'absolute profile link': (s) => s.tree.some((e) => e.role === 'profile' && e.node.type === 'symlink' && e.node.target.startsWith('@/')),
};
for (const role of ['root:symlink', 'root:indirect', 'root:generation', 'stale', 'not-root:relative', 'not-root:outside-dir',
  'not-root:two-level', 'not-root:relative-second-hop', 'not-root:invalid-indirect', 'not-root:links', 'not-root:double-slash',
  'not-root:dangling', 'not-root:auto-to-dir', 'not-root:dir-link', 'not-root:invalid-file', 'not-root:store-dir']) {
  SHAPES[`entry with role ${role}`] = (s) => s.tree.some((e) => e.role === role);
}

/** The effective keep-outputs / keep-derivations pair (last line wins, defaults false/true). */
function effectiveKeep(s: StoreSpec): string {
  let [outputs, derivations] = ['false', 'true'];
  for (const x of s.settings) {
    if (x.name.endsWith('keep-outputs')) outputs = x.value;
    if (x.name.endsWith('keep-derivations')) derivations = x.value;
  }
  return `keep-outputs=${outputs} keep-derivations=${derivations}`;
}

describe('random store generator', () => {
  const tempDir = useTempDirs('each');

  it('is deterministic per seed and differs across seeds', () => {
    expect(generateStore(42)).toEqual(generateStore(42));
    expect(generateStore(42)).not.toEqual(generateStore(43));
  });

  it('rebuilds a store identically (same entries, same readdir order) in the same directory', () => {
    const root = tempDir('storegc-gen-');
    const spec = generateStore(7);
    const snap = (): [string[], string[]] => [treeLines(root, { mtimes: false }), listDir(`${root}/store`)];
    materializeStore(spec, root).release();
    const first = snap();
    materializeStore(spec, root).release();
    expect(snap()).toEqual(first);
  });

  it('covers every shape and all four keep-* combinations over seeds 1..200', () => {
    const specs = SEEDS.map((seed) => generateStore(seed));
    const counts = Object.entries(SHAPES).map(([shape, has]) => [shape, specs.filter(has).length] as const);
    expect(counts.filter(([, n]) => n < 3), 'shapes seen in fewer than 3 stores').toEqual([]);
    expect(new Set(specs.map(effectiveKeep)).size).toBe(4);
    for (const s of specs) expect(new Set(s.paths.map((p) => p.base)).size).toBe(s.paths.length);
  });
});
