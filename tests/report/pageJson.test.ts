import { describe, expect, it } from 'vitest';
import { ByteChunks } from '../../src/report/byteChunks.js';
import type { ReportPageData, ReportPageJson } from '../../src/report/insightTypes.js';
import { writePageJson } from '../../src/report/pageJson.js';
import { createRng } from '../support/prng.js';

describe('report --json FILE', () => {
  it('is the text JSON.stringify(_, null, 2) writes for the page with every live path, written in pieces', () => {
    const rng = createRng(35);
    const pieces = ['/nix/store/', 'a', 'é', '"', '\\', '\n', '<', '-'];
    const text = (): string => Array.from({ length: rng.int(0, 5) }, () => rng.pick(pieces)).join('');
    for (let round = 0; round < 150; round++) {
      const count = rng.pick([0, 1, 2, rng.int(3, 40)]);
      const paths = Array.from({ length: count }, text);
      const parent = Int32Array.from({ length: count }, (_, i) => (i === 0 || rng.chance(0.3) ? -1 : rng.int(0, i - 1)));
      const edge = Int8Array.from(parent, (p) => (p === -1 ? -1 : rng.int(0, 2)));
      const rootOf: Record<number, number> = {};
      for (let i = 0; i < count; i++) if (parent[i] === -1 && rng.chance(0.7)) rootOf[i] = rng.int(0, 5);
      const page: ReportPageData = {
        storeDir: '/nix/store', generated: '2026-12-01T00:00:00.000Z',
        totals: { livePaths: count, liveNarSize: rng.int(0, 1e9), liveDiskBytes: 0, deadPaths: 1, deadNarSize: 2, gcFreesBytes: 3 },
        roots: rng.chance(0.5) ? [] : [{ link: text(), path: text(), kind: 'symlink', exclusivePaths: 1 }],
        groups: [], rootsTotal: rng.int(0, 2000), groupsTotal: rng.int(0, 10), edges: ['reference', 'keep-outputs', 'keep-derivations'],
        history: rng.chance(0.5) ? null : { runs: [], total: 0 },
      };
      const json: ReportPageJson = { ...page, live: { paths, parent: Array.from(parent), edge: Array.from(edge), rootOf } };
      const expected = `${JSON.stringify({ schemaVersion: 1, command: 'report', page: json }, null, 2)}\n`;
      const got: Buffer[] = [];
      const out = new ByteChunks(0, (b) => got.push(Buffer.from(b)), rng.pick([1, 64, 1 << 20]));
      writePageJson(out, 1, page, { count, path: (i) => paths[i]!, parent, edge, rootOf });
      got.push(Buffer.from(out.bytes()));
      expect(Buffer.concat(got).toString('utf8')).toBe(expected);
    }
  });
});
