import { describe, expect, it } from 'vitest';
import { computeLiveness } from '../../src/liveness/classify.js';
import { UNLIMITED } from '../../src/collect/executePlan.js';
import { planCollection } from '../../src/plan/planCollection.js';
import type { PlanRequest } from '../../src/plan/planCollection.js';
import { splitStoreEntries } from '../../src/liveness/storeEntries.js';
import { S, graphOf, sp } from '../liveness/graphFixture.js';
import type { ValidSpec } from '../liveness/graphFixture.js';

const base = (p: string) => p.slice(S.length + 1);

function plan(valid: Record<string, ValidSpec>, onDisk: string[], roots: string[], request: Partial<PlanRequest> = {}) {
  const graph = graphOf(valid);
  const liveness = computeLiveness(graph, { roots: roots.map((path) => ({ link: '/l', path, kind: 'symlink' as const })), tempHashParts: new Set(), findings: [] },
    splitStoreEntries(onDisk.map(base)), { keepOutputs: false, keepDerivations: true });
  return planCollection(liveness, { junk: [], maxFreed: UNLIMITED, rootsToRemove: [], kept: [], ...request });
}

describe('planCollection', () => {
  it('orders every referrer before its references', () => {
    const [a, b, c, d] = [sp('a'), sp('b'), sp('c'), sp('d')];
    const valid = { [a]: {}, [b]: { refs: [a] }, [c]: { refs: [b, a] }, [d]: { refs: [c] } };
    const order = plan(valid, [a, b, c, d], []).steps.map((s) => s.path);
    expect(order).toHaveLength(4);
    for (const [referrer, spec] of Object.entries(valid)) {
      for (const r of spec.refs ?? []) expect(order.indexOf(referrer)).toBeLessThan(order.indexOf(r));
    }
  });

  it('never plans a path that is alive', () => {
    const [a, b] = [sp('a'), sp('b')];
    const steps = plan({ [a]: { refs: [b] }, [b]: {} }, [a, b], [a]).steps;
    expect(steps).toEqual([]);
  });

  it('keeps a reference cycle and what it references, instead of aborting', () => {
    const [x, y, z, w] = [sp('x'), sp('y'), sp('z'), sp('w')];
    const p = plan({ [x]: { refs: [y] }, [y]: { refs: [x, z] }, [z]: {}, [w]: { refs: [x] } }, [x, y, z, w], []);
    expect(p.steps.map((s) => s.path)).toEqual([w]);
    expect(p.blocked).toEqual([x, y, z].sort());
    expect(p.kept).toEqual([x, y, z].sort().map((path) => ({ path, reason: 'reference-cycle' })));
  });

  it('is complete: budget, roots to remove and what was kept before planning travel with it', () => {
    const [a, b] = [sp('a'), sp('b')];
    const stale = [{ link: '/var/gcroots/auto/x', realTargets: ['/home/u/result'] }];
    const kept = [{ path: b, reason: 'in-use' as const, detail: 'still alive' }];
    const p = plan({ [a]: {}, [b]: {} }, [a, b], [b], { maxFreed: 4096n, rootsToRemove: stale, kept, junk: [`${S}/junk`] });
    expect(p).toMatchObject({ maxFreed: 4096n, rootsToRemove: stale, kept, junk: [`${S}/junk`] });
    expect(p.steps.map((s) => s.path)).toEqual([a]);
  });

  it('--max-freed 0 deletes nothing, junk included, but still removes stale roots', () => {
    const [a] = [sp('a')];
    const stale = [{ link: '/var/gcroots/auto/x', realTargets: ['/home/u/result'] }];
    const p = plan({ [a]: {} }, [a], [], { maxFreed: 0n, rootsToRemove: stale, junk: [`${S}/junk`] });
    expect(p).toMatchObject({ junk: [], steps: [], rootsToRemove: stale });
  });

  it('with last-use times goes least recently used first, still every referrer before its references', () => {
    const [app, lib, old, fresh] = [sp('app'), sp('lib'), sp('old'), sp('fresh')];
    const valid = { [app]: { refs: [lib] }, [lib]: {}, [old]: {}, [fresh]: {} };
    const graph = graphOf(valid);
    const liveness = computeLiveness(graph, { roots: [], tempHashParts: new Set(), findings: [] }, splitStoreEntries([app, lib, old, fresh].map(base)), { keepOutputs: false, keepDerivations: true });
    const lastUse = new Float64Array(liveness.nodes.size);
    // lib is the oldest, but app (which uses it) was used after old.
    for (const [p, t] of [[app, 300], [lib, 100], [old, 200], [fresh, 400]] as const) lastUse[graph.paths.idOf(p)] = t;
    const p = planCollection(liveness, { junk: [], maxFreed: UNLIMITED, rootsToRemove: [], kept: [], lastUse });
    expect(p.order).toBe('lru');
    expect(p.steps.map((s) => [s.path, s.lastUse])).toEqual([[old, 200], [app, 300], [lib, 300], [fresh, 400]]);
    expect(plan(valid, [app, lib, old, fresh], []).order).toBe('nix');
  });

  it('includes unregistered entries and valid paths missing on disk', () => {
    const [v, partial] = [sp('ghost'), sp('partial')];
    const x = sp('x');
    const p = plan({ [v]: { refs: [x] }, [x]: {} }, [x, partial], []);
    expect(p.steps.map((s) => [s.path, s.valid]).sort()).toEqual([[v, true], [x, true], [partial, false]].sort());
  });
});
