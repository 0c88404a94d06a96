import { describe, expect, it } from 'vitest';
import { findKeepSources } from '../../src/insight/keepSources.js';
import { ALIVE } from '../../src/liveness/markLive.js';
import { NodeTable } from '../../src/liveness/nodeTable.js';
import type { Root } from '../../src/roots/types.js';
import { graphOf, sp } from '../liveness/graphFixture.js';

describe('findKeepSources', () => {
  // Two paths share a hash part (a temp root keeps both); `gone` is not alive.
  const app = sp('app');
  const [appDev, lib, gone] = [`${app.slice(0, -'-app'.length)}-app-dev`, sp('lib'), sp('gone')];
  const graph = graphOf({ [app]: { refs: [lib] }, [appDev]: {}, [lib]: {}, [gone]: {} });
  const nodes = new NodeTable(graph);
  const id = (p: string): number => graph.paths.idOf(p);
  const state = new Uint8Array(nodes.size);
  for (const p of [app, appDev, lib]) state[id(p)] = ALIVE;
  const roots: Root[] = [
    { link: '/r/app', path: app, kind: 'symlink' },
    { link: '/r/dead', path: gone, kind: 'symlink' },
    { link: '{temp:1}', path: app, kind: 'temp' },
    { link: '/r/dead2', path: gone, kind: 'symlink' },
    { link: '/r/lib', path: lib, kind: 'symlink' },
  ];

  it('lists what each root keeps, nothing for a root whose path is not alive, every path of the hash part for a temp root', () => {
    for (const rootIds of [undefined, Int32Array.from(roots, (r) => id(r.path))]) {
      const sources = findKeepSources(nodes, state, roots, rootIds);
      const targets = roots.map((_, i) => [...sources.targets.list.subarray(sources.targets.start[i]!, sources.targets.start[i + 1]!)]);
      expect(targets).toEqual([[id(app)], [], [id(app), id(appDev)].sort((a, b) => a - b), [], [id(lib)]]);
      expect([...sources.nodes]).toEqual([id(app), id(appDev), id(lib)].sort((a, b) => a - b));
      expect(sources.rootsOf.get(id(app))!.map((r) => r.link)).toEqual(['/r/app', '{temp:1}']);
    }
  });
});
