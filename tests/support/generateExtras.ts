/**
 * The irregular parts of a random store: unregistered entries that parse (partial outputs,
 * `.lock`/`.chroot`/`.check` siblings, a `_` separator), junk that does not parse, valid paths
 * missing on disk, temp-root files with live and dead owners, and keep-* settings.
 */
import type { StoreBuilder } from './builder.js';
import type { Catalog } from './generateGraph.js';
import { junkNames, storeName } from './names.js';
import type { Rng } from './prng.js';
import type { StorePathSpec, StoreSpec } from './spec.js';

/** Adds unregistered parseable entries; returns the basenames of every invalid (unregistered) path. */
export function addUnregistered(b: StoreBuilder, rng: Rng, cat: Catalog): string[] {
  const invalid = [...cat.unbuilt];
  const add = (base: string): void => void invalid.push(base);
  for (let i = rng.chance(0.5) ? rng.int(1, 2) : 0; i > 0; i--) add(b.path(storeName(rng), { registered: false }));
  const withLock = [...cat.outputs, ...cat.unbuilt];
  if (withLock.length > 0 && rng.chance(0.4)) add(b.sibling(rng.pick(withLock), '.lock', { kind: 'file' }));
  if (cat.drvs.length > 0 && rng.chance(0.3)) add(b.sibling(rng.pick(cat.drvs), '.chroot', { kind: 'dir' }));
  if (cat.outputs.length > 0 && rng.chance(0.15)) add(b.sibling(rng.pick(cat.outputs), '.check', { kind: 'dir' }));
  if (rng.chance(0.1)) add(b.path(storeName(rng), { registered: false, separator: '_' }));
  return invalid;
}

export function addJunk(b: StoreBuilder, rng: Rng): void {
  for (const name of junkNames(rng, () => b.hash())) b.junk(name, rng.pick(['file', 'file', 'dir', 'symlink', 'fifo']));
}

export function addTempRoots(b: StoreBuilder, rng: Rng, cat: Catalog, invalid: readonly string[]): void {
  const used = new Set<string>();
  const pid = (): string => {
    for (;;) {
      const p = rng.chance(0.25) ? `0${rng.int(100, 999)}` : String(rng.int(100, 99999));
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
  };
  const entries = (): string[] => [
    ...rng.sample(cat.registered, rng.int(0, 2)),
    ...rng.sample(invalid, rng.int(0, 2)),
    ...(rng.chance(0.3) ? [b.path(storeName(rng), { registered: false, onDisk: false })] : []),
  ];
  if (rng.chance(0.5)) b.tempRoots(pid(), entries(), 'alive', rng.chance(0.2) ? 'torn-append' : undefined);
  if (rng.chance(0.2)) b.tempRoots(pid(), entries(), 'alive');
  if (rng.chance(0.4)) b.tempRoots(pid(), entries(), 'dead');
  if (rng.chance(0.15)) b.tempRoots('.keep', [], 'dead');
}

export function addSettings(b: StoreBuilder, rng: Rng): void {
  for (const [name, alias] of [['keep-outputs', 'gc-keep-outputs'], ['keep-derivations', 'gc-keep-derivations']] as const) {
    const value = rng.pick([null, 'true', 'false']);
    if (value !== null) b.setting(rng.chance(0.3) ? alias : name, value);
  }
}

/** Post-build: some registered paths vanish from disk, some unbuilt outputs appear as partial dirs. */
export function perturbDisk(spec: StoreSpec, rng: Rng, cat: Catalog): StoreSpec {
  const missing = new Set(rng.chance(0.5) ? rng.sample(cat.registered, rng.int(1, 2)) : []);
  const partial = new Set(rng.sample(cat.unbuilt, rng.chance(0.4) ? 1 : 0));
  const paths = spec.paths.map((p): StorePathSpec => {
    if (missing.has(p.base)) return { ...p, onDisk: false };
    if (partial.has(p.base)) return { ...p, onDisk: true };
    return p;
  });
  return { ...spec, paths };
}
