import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeLiveness } from '../../src/liveness/classify.js';
import { livenessKey, writeLivenessMemo } from '../../src/liveness/livenessMemo.js';
import { markLive } from '../../src/liveness/markLive.js';
import { splitStoreEntries } from '../../src/liveness/storeEntries.js';
import type { Root } from '../../src/roots/types.js';
import { S, graphOf, sp } from './graphFixture.js';

const base = (p: string) => p.slice(S.length + 1);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// a -> b -> c, d -> c, drv derives a; e and an unregistered entry u are on disk; x is a temp root's path.
const [a, b, c, d, e, drv, u] = [sp('a'), sp('b'), sp('c'), sp('d'), sp('e'), sp('a.drv'), sp('u')];
const graph = graphOf({ [a]: { refs: [b], deriver: drv }, [b]: { refs: [c] }, [c]: {}, [d]: { refs: [c] }, [e]: {}, [drv]: { outputs: [a] } });

interface Case {
  readonly roots: string[];
  readonly onDisk: string[];
  readonly temp: string[];
  readonly keepOutputs: boolean;
  readonly keepDerivations: boolean;
  readonly graphKey: string;
}
const BASE: Case = { roots: [a], onDisk: [a, b, c, d, e, drv, u], temp: [], keepOutputs: false, keepDerivations: true, graphKey: 'g1' };

function liveness(k: Case, file?: string) {
  const roots: Root[] = k.roots.map((path) => ({ link: '/l', path, kind: 'symlink' }));
  const tempHashParts = new Set(k.temp.map((p) => base(p).slice(0, 32)));
  return computeLiveness(graph, { roots, tempHashParts, findings: [] }, splitStoreEntries(k.onDisk.map(base)), k, undefined, file === undefined ? undefined : { file, graphKey: k.graphKey });
}

describe('liveness memo (read-only commands)', () => {
  it('gives what markLive gives, and is read back only for the very same inputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'storegc-livememo-'));
    dirs.push(dir);
    const file = join(dir, 'liveness.bin');
    const variants: [string, Case][] = [
      ['another root', { ...BASE, roots: [d] }],
      ['one more root', { ...BASE, roots: [a, d] }],
      ['entries in another readdir order', { ...BASE, onDisk: [...BASE.onDisk].reverse() }],
      ['an entry less', { ...BASE, onDisk: BASE.onDisk.filter((p) => p !== e) }],
      ['a temp root', { ...BASE, temp: [d] }],
      ['keep-outputs', { ...BASE, keepOutputs: true }],
      ['no keep-derivations', { ...BASE, keepDerivations: false }],
      ['another graph', { ...BASE, graphKey: 'g2' }],
      ['another unregistered entry', { ...BASE, onDisk: [...BASE.onDisk.filter((p) => p !== u), sp('v')] }],
    ];
    for (const [, k] of [['base', BASE] as [string, Case], ...variants]) {
      // Computed and kept, then read back: both equal markLive's answer without a memo.
      const fresh = liveness(k).state;
      expect(liveness(k, file).state).toEqual(fresh);
      expect(liveness(k, file).state).toEqual(fresh);
    }
    // A memo planted for the base inputs (a state markLive would never give) is what the base
    // inputs read back, and what no variant reads: the key covers each input.
    const planted = liveness(BASE);
    const input = {
      nodes: planted.nodes, entries: BASE.onDisk.map((p) => planted.nodes.internedId(p)!), roots: planted.rootIds,
      tempHashParts: new Set<string>(), keepOutputs: false, keepDerivations: true,
    };
    const realKey = livenessKey(BASE.graphKey, input, planted.rootIds, planted.nodes.invalidNames);
    const fake = new Uint8Array(planted.state.length).fill(7);
    writeLivenessMemo(file, realKey, fake);
    expect(Array.from(liveness(BASE, file).state)).toEqual(Array.from(fake));
    for (const [name, k] of variants) {
      writeLivenessMemo(file, realKey, fake);
      expect(liveness(k, file).state, name).toEqual(liveness(k).state);
    }
    // A damaged file is not used (and is replaced).
    writeLivenessMemo(file, realKey, fake);
    const bytes = readFileSync(file);
    bytes[bytes.length - 40] ^= 1;
    writeFileSync(file, bytes);
    expect(liveness(BASE, file).state).toEqual(markLive(input));
  });
});
