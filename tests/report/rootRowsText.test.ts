import { describe, expect, it } from 'vitest';
import { renderRootSizesText } from '../../src/report/insightText.js';
import type { RootSizeEntry, RootSizesReport } from '../../src/report/insightTypes.js';
import type { Root } from '../../src/roots/types.js';
import { packLatin1 } from '../../src/store/byteOrder.js';
import { createRng } from '../support/prng.js';

const MIB = 1024 * 1024;

describe('roots --sizes text from columns', () => {
  it('is the text of the same rows made one at a time, whatever the numbers, strings and order', () => {
    const rng = createRng(31);
    const pieces = ['/nix/var/nix/gcroots/', 'a', '\xe9', '\xff', ' ', '-', 'result', 'x'.repeat(40)];
    const text = (): string => Array.from({ length: rng.int(0, 6) }, () => rng.pick(pieces)).join('');
    const number = (): number => rng.pick([0, 1, 9, 10, 999_999, 9_999_999, 10_000_000, 2 ** 31, 2 ** 40, 2 ** 53 - 1, rng.int(0, 2 ** 31), Math.round((rng.int(0, 1e7) + 0.5) * MIB / 10)]);
    for (let round = 0; round < 300; round++) {
      const count = rng.int(0, 12);
      const roots: Root[] = Array.from({ length: count }, () => ({ link: text(), path: `/nix/store/${text()}`, kind: rng.pick(['symlink', 'file', 'runtime', 'temp'] as const) }));
      const links = packLatin1(roots.map((r) => r.link));
      // The path table keeps the store directory once, as a head.
      const paths = { ...packLatin1(roots.map((r) => r.path.slice('/nix/store/'.length))), head: Buffer.from('/nix/store/', 'latin1') };
      const pathAt = Int32Array.from(roots, (_, i) => (rng.chance(0.8) ? i : -1));
      const closure = Float64Array.from({ length: 3 * count }, number);
      const exclusive = Float64Array.from({ length: 3 * count }, number);
      const ages = Float64Array.from({ length: count }, () => (rng.chance(0.2) ? Number.NaN : rng.pick([0, 59, 60, 3599, 3600, 86399, 86400, rng.int(0, 1e9), 1e12])));
      const order = Int32Array.from(rng.shuffle(roots.map((_, i) => i)).slice(0, rng.int(0, count)));
      const sizes = (column: Float64Array, i: number) => ({ paths: column[3 * i]!, narSize: column[3 * i + 1]!, diskBytes: column[3 * i + 2]! });
      const entries: RootSizeEntry[] = Array.from(order, (i) => ({
        root: roots[i]!, group: '', closure: sizes(closure, i), exclusive: sizes(exclusive, i), ageSeconds: Number.isNaN(ages[i]!) ? null : ages[i]!, linkAt: i, pathAt: pathAt[i]! >= 0 ? pathAt[i]! : undefined,
      }));
      const groups = [{ name: text(), roots: rng.int(1, 3), closure: sizes(closure, 0), exclusive: sizes(exclusive, 0), ageSeconds: null }].slice(0, count === 0 ? 0 : 1);
      const report: RootSizesReport = { command: 'root-sizes', storeDir: '/nix/store', roots: entries, groups, findings: [], links, paths };
      const columns = { order, roots, closure, exclusive, ages, links, pathAt, paths };
      const byColumns: RootSizesReport = { ...report, roots: { length: entries.length, at: (k: number) => entries[k], columns } };
      expect(renderRootSizesText(byColumns).toString('latin1')).toBe(renderRootSizesText(report).toString('latin1'));
    }
  });
});
