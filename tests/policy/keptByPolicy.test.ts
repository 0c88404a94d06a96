import { describe, expect, it } from 'vitest';
import { computeLiveness } from '../../src/liveness/classify.js';
import { splitStoreEntries } from '../../src/liveness/storeEntries.js';
import { keptByBudget, keptByRoots } from '../../src/policy/keptByPolicy.js';
import { S, graphOf, sp } from '../liveness/graphFixture.js';

const base = (p: string): string => p.slice(S.length + 1);

describe('keptByRoots', () => {
  it('counts what is alive with every root and dead without the policy\'s, with narSize; shared paths count under neither', () => {
    const [app, lib, old, shared, both] = [sp('app'), sp('lib'), sp('old'), sp('shared'), sp('both')];
    const graph = graphOf({ [app]: { refs: [lib, shared] }, [lib]: {}, [old]: {}, [shared]: {}, [both]: { refs: [shared] } });
    const entries = splitStoreEntries([app, lib, old, shared, both].map(base));
    const live = (roots: string[]) => computeLiveness(graph, { roots: roots.map((path) => ({ link: '/l', path, kind: 'symlink' as const })), tempHashParts: new Set(), findings: [] },
      entries, { keepOutputs: false, keepDerivations: true });
    const full = live([app, both]);
    // Without the root on `app`: app and lib die; shared stays (both holds it).
    expect(keptByRoots(full, live([both]))).toEqual({ paths: 2, narSize: 200 });
    expect(keptByRoots(full, full)).toEqual({ paths: 0, narSize: 0 });
  });
});

describe('keptByBudget', () => {
  it('counts the entries from where the budget stopped the run, junk with no narSize', () => {
    const entries = [{ narSize: null }, { narSize: 10 }, { narSize: 20 }, { narSize: null }];
    expect(keptByBudget(entries, 1)).toEqual({ paths: 3, narSize: 30 });
    expect(keptByBudget(entries, 4)).toEqual({ paths: 0, narSize: 0 });
    expect(keptByBudget(entries, undefined)).toEqual({ paths: 0, narSize: 0 });
  });
});
