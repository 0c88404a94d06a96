import { describe, expect, it } from 'vitest';
import { NodeTable } from '../../src/liveness/nodeTable.js';
import { PathList } from '../../src/liveness/pathList.js';
import type { PathInfo } from '../../src/liveness/pathList.js';
import { createRng } from '../support/prng.js';
import { S, graphOf } from './graphFixture.js';

describe('PathList', () => {
  it('lists valid nodes by id and other paths merged in, in byte order, with their narSizes', () => {
    const rng = createRng(17);
    for (let round = 0; round < 120; round++) {
      const names = Array.from({ length: rng.int(0, 60) }, (_, k) => `${String(rng.int(0, 99)).padStart(32, '0')}-p${k}`);
      const valid = [...new Set(names)].map((n) => `${S}/${n}`);
      const graph = graphOf(Object.fromEntries(valid.map((p) => [p, {}])));
      graph.narSize.forEach((_, i) => (graph.narSize[i] = rng.chance(0.2) ? Number.NaN : rng.int(0, 1000)));
      const nodes = new NodeTable(graph);
      const ids = Int32Array.from([...graph.narSize.keys()].filter(() => rng.chance(0.6)));
      // Few others (looked up one by one) or many (walked beside the ids); none a valid path.
      const taken = new Set(valid);
      const others: PathInfo[] = [...new Set(Array.from({ length: rng.int(0, round % 3 === 0 ? 200 : 3) }, () => `${S}/${String(rng.int(0, 99)).padStart(32, '0')}${rng.pick(['-x', '-p1', '', '.lock'])}`))]
        .filter((p) => !taken.has(p)).sort().map((path) => ({ path, narSize: null }));
      const junk: PathInfo[] = [`${S}/junk`, `${S}/.keep`].filter(() => rng.chance(0.5)).sort().map((path) => ({ path, narSize: null }));
      const list = PathList.of(nodes, ids, others).withOthers(junk);
      const expected = [...Array.from(ids, (id) => ({ path: graph.paths.pathOf(id), narSize: Number.isNaN(graph.narSize[id]!) ? null : graph.narSize[id]! })), ...others, ...junk]
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      expect(list.length).toBe(expected.length);
      expect(Array.from({ length: list.length }, (_, k) => list.at(k))).toEqual(expected);
      expect(list.at(-1)).toBeUndefined();
      expect(list.at(list.length)).toBeUndefined();
      expect(list.narSize()).toBe(expected.reduce((t, p) => t + (p.narSize ?? 0), 0));
    }
  });
});
