import { describe, expect, it } from 'vitest';
import { buildKeepEdges } from '../../src/graph/keepEdges.js';
import { findKeepSources } from '../../src/insight/keepSources.js';
import { groupRoots } from '../../src/insight/rootGroups.js';
import { computeRootSizes } from '../../src/insight/rootSizes.js';
import type { DiskUsage } from '../../src/insight/rootSizes.js';
import { computeLiveness } from '../../src/liveness/classify.js';
import { splitStoreEntries } from '../../src/liveness/storeEntries.js';
import type { Root } from '../../src/roots/types.js';
import { S, graphOf, sp } from '../liveness/graphFixture.js';

const base = (p: string): string => p.slice(S.length + 1);

describe('computeRootSizes', () => {
  // p1 -> app -> lib, p2 -> app2 -> lib; gen links p1, p2 of one profile; r -> tool.
  const [p1, p2, app, app2, lib, tool, dead] = [sp('env-1'), sp('env-2'), sp('app'), sp('app2'), sp('lib'), sp('tool'), sp('dead')];
  const graph = graphOf({ [p1]: { refs: [app] }, [p2]: { refs: [app2] }, [app]: { refs: [lib] }, [app2]: { refs: [lib] }, [lib]: {}, [tool]: { refs: [lib] }, [dead]: { refs: [lib] } });
  const roots: Root[] = [
    { link: '/var/profiles/p-1-link', path: p1, kind: 'symlink' },
    { link: '/var/profiles/p-2-link', path: p2, kind: 'symlink' },
    { link: '/var/gcroots/tool', path: tool, kind: 'symlink' },
  ];
  const id = (p: string): number => graph.paths.idOf(p);

  function sizesWith(disk: (n: number) => DiskUsage) {
    const liveness = computeLiveness(graph, { roots, tempHashParts: new Set(), findings: [] }, splitStoreEntries(Array.from({ length: graph.paths.size }, (_, i) => base(graph.paths.pathOf(i)))), { keepOutputs: false, keepDerivations: true });
    const edges = buildKeepEdges(graph, { keepOutputs: false, keepDerivations: true });
    const sources = findKeepSources(liveness.nodes, liveness.state, roots);
    const { groupIndex, names } = groupRoots(roots);
    const sizes = computeRootSizes({ nodes: liveness.nodes, edges, sources, roots, groupIndex, groupCount: names.length, disk: disk(liveness.nodes.size) });
    return {
      names,
      roots: sizes.exclusiveRoots.map((exclusive, i) => ({ exclusive, closure: sizes.closureRoots[i]! })),
      groups: sizes.exclusiveGroups.map((exclusive, g) => ({ exclusive, closure: sizes.closureGroups[g]! })),
    };
  }

  it('counts dominator subtrees as exclusive and reachable sets as closures, per root and per group', () => {
    const s = sizesWith((n) => ({ own: new Float64Array(n).fill(10), shared: [] }));
    expect(s.names).toEqual(['/var/profiles/p', '/var/gcroots']);
    expect(s.roots.map((r) => [r.exclusive.paths, r.closure.paths])).toEqual([[2, 3], [2, 3], [1, 2]]);
    expect(s.roots.map((r) => r.exclusive.narSize)).toEqual([200, 200, 100]);
    // The profile group alone keeps p1, p2, app, app2; lib is shared with tool.
    expect(s.groups.map((g) => [g.exclusive.paths, g.closure.paths, g.exclusive.diskBytes])).toEqual([[4, 5, 40], [1, 2, 10]]);
  });

  it('attributes a hard-linked inode to the LCA of its holders, counted once per closure', () => {
    const s = sizesWith((n) => ({
      own: new Float64Array(n),
      shared: [
        { bytes: 1000, holders: [id(app), id(app2)] }, // freed only with the whole profile
        { bytes: 100, holders: [id(app), id(tool)] }, // freed by nothing but removing everything
        { bytes: 7, holders: [id(app), id(dead)] }, // a holder nothing keeps alive pins it: never freed
      ],
    }));
    expect(s.roots.map((r) => r.exclusive.diskBytes)).toEqual([0, 0, 0]);
    expect(s.groups.map((g) => g.exclusive.diskBytes)).toEqual([1000, 0]);
    expect(s.roots.map((r) => r.closure.diskBytes)).toEqual([1107, 1000, 100]);
  });
});
