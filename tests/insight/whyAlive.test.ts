import { describe, expect, it } from 'vitest';
import { buildKeepEdges, reverseKeepEdges } from '../../src/graph/keepEdges.js';
import { findKeepSources } from '../../src/insight/keepSources.js';
import { allChains, shortestChain, shortestParents } from '../../src/insight/whyAlive.js';
import type { Chain } from '../../src/insight/whyAlive.js';
import { computeLiveness } from '../../src/liveness/classify.js';
import { ALIVE } from '../../src/liveness/markLive.js';
import { splitStoreEntries } from '../../src/liveness/storeEntries.js';
import type { Root } from '../../src/roots/types.js';
import { S, graphOf, sp } from '../liveness/graphFixture.js';
import type { ValidSpec } from '../liveness/graphFixture.js';

const base = (p: string): string => p.slice(S.length + 1);
const show = (c: Chain): string => [c.root.link, ...(c.start === c.root.path ? [] : [`~${base(c.start)}`]), ...c.steps.map((s) => `-${s.edge}-> ${base(s.to)}`)].join(' ');

function world(valid: Record<string, ValidSpec>, onDisk: string[], roots: Root[], keep = { keepOutputs: false, keepDerivations: true }) {
  const graph = graphOf(valid);
  const tempHashParts = new Set(roots.filter((r) => r.kind === 'temp').map((r) => base(r.path).slice(0, 32)));
  const { nodes, state } = computeLiveness(graph, { roots, tempHashParts, findings: [] }, splitStoreEntries(onDisk.map(base)), keep);
  const edges = buildKeepEdges(graph, keep);
  const w = { nodes, edges, sources: findKeepSources(nodes, state, roots) };
  const parents = shortestParents(w);
  const reverse = reverseKeepEdges(edges);
  return {
    alive: (p: string) => (state[nodes.internedId(p)!]! & ALIVE) !== 0,
    shortest: (p: string) => {
      const c = shortestChain(w, parents, nodes.internedId(p)!);
      return c === null ? null : show(c);
    },
    all: (p: string) => { const chains = allChains(w, reverse, nodes.internedId(p)!); return Array.from({ length: chains.length }, (_, k) => show(chains.at(k)!)); },
  };
}

describe('why-alive chains', () => {
  it('gives the shortest chain with edge kinds, and every root its own with --all', () => {
    const [env, app, lib, drv, other] = [sp('env'), sp('app'), sp('lib'), sp('app.drv'), sp('other')];
    const w = world(
      { [env]: { refs: [app] }, [app]: { refs: [lib], deriver: drv }, [lib]: {}, [drv]: { outputs: [app] }, [other]: { refs: [env] } },
      [env, app, lib, drv, other],
      [{ link: '/g/b-env', path: env, kind: 'symlink' }, { link: '/g/a-lib', path: lib, kind: 'symlink' }, { link: '/g/c-other', path: other, kind: 'symlink' }],
    );
    expect(w.shortest(lib)).toBe('/g/a-lib');
    expect(w.shortest(drv)).toBe(`/g/b-env -reference-> ${base(app)} -keep-derivations-> ${base(drv)}`);
    expect(w.all(lib).sort()).toEqual([
      '/g/a-lib',
      `/g/b-env -reference-> ${base(app)} -reference-> ${base(lib)}`,
      `/g/c-other -reference-> ${base(env)} -reference-> ${base(app)} -reference-> ${base(lib)}`,
    ]);
  });

  it('starts a temp root chain at the alive path sharing its hash part (reference §5.6)', () => {
    const t = sp('building');
    const lock = `${t}.lock`;
    const w = world({}, [lock], [{ link: '{temp:42}', path: t, kind: 'temp' }]);
    expect(w.alive(lock)).toBe(true);
    expect(w.shortest(lock)).toBe(`{temp:42} ~${base(lock)}`);
    expect(w.all(lock)).toEqual([`{temp:42} ~${base(lock)}`]);
  });

  it('gives no chain to dead paths, nor through roots that are not alive (§7.5)', () => {
    const [gone, x, d] = [sp('gone-root'), sp('x'), sp('d')];
    // A root missing on disk that references nothing on disk is not alive, and keeps nothing.
    const w = world({ [gone]: {}, [x]: {}, [d]: { refs: [x] } }, [x, d], [{ link: '/g/gone', path: gone, kind: 'symlink' }, { link: '/g/x', path: x, kind: 'symlink' }]);
    expect(w.alive(gone)).toBe(false);
    expect(w.shortest(gone)).toBeNull();
    expect(w.all(gone)).toEqual([]);
    expect(w.alive(d)).toBe(false);
    expect(w.shortest(d)).toBeNull();
    expect(w.shortest(x)).toBe('/g/x');
  });

  it('finds no chain for what only Nix\'s reverse walk keeps: DerivationOutputs rows of a path that is not a .drv (§7.3)', () => {
    const [notDrv, out] = [sp('not-a-drv'), sp('out')];
    const w = world({ [notDrv]: { outputs: [out] }, [out]: {} }, [out, notDrv], [{ link: '/g/x', path: notDrv, kind: 'symlink' }], { keepOutputs: true, keepDerivations: true });
    expect(w.alive(out)).toBe(true);
    expect(w.shortest(out)).toBeNull();
    expect(w.all(out)).toEqual([]);
  });

  it('follows keep-outputs from a live derivation only when it is on', () => {
    const [drv, out] = [sp('y.drv'), sp('y')];
    const valid = { [drv]: { outputs: [out] }, [out]: { deriver: drv } };
    const roots: Root[] = [{ link: '/g/drv', path: drv, kind: 'symlink' }];
    expect(world(valid, [drv, out], roots).shortest(out)).toBeNull();
    expect(world(valid, [drv, out], roots, { keepOutputs: true, keepDerivations: false }).shortest(out)).toBe(`/g/drv -keep-outputs-> ${base(out)}`);
  });
});
