import { describe, expect, it } from 'vitest';
import { classifyPaths } from '../../src/liveness/classify.js';
import { splitStoreEntries } from '../../src/liveness/storeEntries.js';
import type { Root } from '../../src/roots/types.js';
import { S, graphOf, sp } from './graphFixture.js';
import type { ValidSpec } from './graphFixture.js';

const base = (p: string) => p.slice(S.length + 1);

function run(valid: Record<string, ValidSpec>, onDisk: string[], roots: string[], opts: { keepOutputs?: boolean; keepDerivations?: boolean; temp?: string[] } = {}) {
  const graph = graphOf(valid);
  const rootList: Root[] = roots.map((path) => ({ link: '/l', path, kind: 'symlink' }));
  const tempHashParts = new Set((opts.temp ?? []).map((p) => base(p).slice(0, 32)));
  const result = classifyPaths(graph, { roots: rootList, tempHashParts, findings: [] }, splitStoreEntries(onDisk.map(base)), {
    keepOutputs: opts.keepOutputs ?? false,
    keepDerivations: opts.keepDerivations ?? true,
  });
  const paths = (list: typeof result.live): string[] => Array.from({ length: list.length }, (_, k) => list.at(k)!.path);
  return { live: paths(result.live), dead: paths(result.dead) };
}

describe('liveness (reference §7-8)', () => {
  it('keeps the reference closure of a root and nothing else', () => {
    const [a, b, c, d] = [sp('a'), sp('b'), sp('c'), sp('d')];
    const r = run({ [a]: { refs: [b, a] }, [b]: { refs: [c] }, [c]: {}, [d]: { refs: [c] } }, [a, b, c, d], [a]);
    expect(r.live).toEqual([a, b, c]);
    expect(r.dead).toEqual([d]);
  });

  it('applies keep-derivations and keep-outputs in all four combinations (§7.4)', () => {
    const drv = sp('x.drv');
    const out = sp('x');
    const drv2 = sp('y.drv');
    const out2 = sp('y');
    const valid = { [drv]: { outputs: [out] }, [out]: { deriver: drv }, [drv2]: { outputs: [out2] }, [out2]: { deriver: drv2 } };
    const disk = [drv, out, drv2, out2];
    const live = (keepOutputs: boolean, keepDerivations: boolean) => run(valid, disk, [out, drv2], { keepOutputs, keepDerivations }).live;
    expect(live(false, true)).toEqual([drv, out, drv2].sort());
    expect(live(false, false)).toEqual([out, drv2].sort());
    expect(live(true, false)).toEqual([out, drv2, out2].sort());
    expect(live(true, true)).toEqual([drv, out, drv2, out2].sort());
  });

  it('protects unregistered entries by the hash part of a temp root (§5.6)', () => {
    const t = sp('building');
    const lock = `${t}.lock`;
    const other = sp('partial');
    const r = run({}, [lock, other], [t], { temp: [t] });
    expect(r.live).toEqual([lock]);
    expect(r.dead).toEqual([other]);
  });

  it('lists a valid path missing on disk only when a walk reaches it (§7.5)', () => {
    const missingRoot = sp('gone-root');
    const x = sp('x');
    const lone = sp('lone-missing');
    const r = run({ [missingRoot]: { refs: [x] }, [x]: {}, [lone]: {} }, [x], [missingRoot, lone]);
    expect(r.live).toEqual([missingRoot, x].sort());
    expect(r.dead).toEqual([]);
  });

  it('marks a dead referrer missing on disk dead with its on-disk reference', () => {
    const x = sp('x');
    const ghost = sp('ghost');
    const r = run({ [ghost]: { refs: [x] }, [x]: {} }, [x], []);
    expect(r.dead).toEqual([x, ghost].sort());
  });

  it('reproduces the deriver anomaly of §7.3 in readdir order', () => {
    const drv = sp('z.drv');
    const out = sp('z');
    const valid = { [drv]: { outputs: [] }, [out]: { deriver: drv } };
    // readdir reaches the drv first: its walk finds no root and it is dead; the output's root
    // then marks its deriver alive too, so it is in both lists, as in Nix.
    expect(run(valid, [drv, out], [out])).toEqual({ live: [drv, out].sort(), dead: [drv] });
    expect(run(valid, [out, drv], [out])).toEqual({ live: [drv, out].sort(), dead: [] });
  });

  it('does not walk from an unbuilt output to its derivation (keep-outputs)', () => {
    const drv = sp('w.drv');
    const partial = sp('w');
    const r = run({ [drv]: { outputs: [partial] } }, [drv, partial], [drv], { keepOutputs: true });
    expect(r).toEqual({ live: [drv], dead: [partial] });
  });
});
