import { describe, expect, it } from 'vitest';
import { jsonInPieces, renderJson, toJson } from '../../src/report/json.js';
import type { RootSizesReport, WhyReport } from '../../src/report/insightTypes.js';
import { packLatin1 } from '../../src/store/byteOrder.js';
import { LazyRows } from '../../src/report/lazyRows.js';
import { renderText } from '../../src/report/text.js';
import { createRng } from '../support/prng.js';
import type { Rng } from '../support/prng.js';

function value(rng: Rng, depth: number): unknown {
  const leaves = [null, 0, -1.5, 2 ** 53, 'a', '', 'é\u2028"\\\n<', true, undefined];
  if (depth === 0 || rng.chance(0.4)) return rng.pick(leaves);
  if (rng.chance(0.5)) return Array.from({ length: rng.int(0, 4) }, () => value(rng, depth - 1));
  return Object.fromEntries(Array.from({ length: rng.int(0, 4) }, (_, i) => [rng.pick(['k', 'link', 'é', `f${i}`]), value(rng, depth - 1)]));
}

describe('jsonInPieces', () => {
  it('writes the text JSON.stringify(value, null, 2) and a newline would', () => {
    const rng = createRng(21);
    for (let round = 0; round < 500; round++) {
      const top = Object.fromEntries(Array.from({ length: rng.int(0, 5) }, (_, i) => [`key${i}`, rng.chance(0.2)
        ? new LazyRows(Array.from({ length: rng.int(0, 4) }, (_, k) => k), (k) => ({ row: k, name: k % 2 === 0 ? 'a' : 'é', n: null }))
        : rng.chance(0.5)
        ? Array.from({ length: rng.int(0, 6) }, () => (rng.chance(0.6) ? { link: rng.pick(['/a', 'é']), n: rng.int(0, 9), none: null, skipped: undefined } : value(rng, 3)))
        : value(rng, 3)]));
      expect(jsonInPieces(top).toString('utf8'), JSON.stringify(top)).toBe(`${JSON.stringify(top, null, 2)}\n`);
    }
  });
});

describe('roots --sizes rows written straight as JSON', () => {
  it('are the bytes JSON.stringify(_, null, 2) writes for the report, whatever the strings hold', () => {
    const rng = createRng(23);
    const pieces = ['/nix/var/nix/gcroots/', 'a', 'é', '\xe9', '\xff', '"', '\\', '\n', '\x7f', '\x00', ' ', '-', 'result'];
    const text = (): string => Array.from({ length: rng.int(0, 6) }, () => rng.pick(pieces)).join('');
    const size = () => ({ paths: rng.int(0, 9), narSize: rng.pick([0, 1, 2 ** 40, 2 ** 53 - 1, 12345]), diskBytes: rng.pick([0, 4096, 2 ** 45]) });
    for (let round = 0; round < 200; round++) {
      const linkTexts = Array.from({ length: rng.int(0, 8) }, text);
      const links = packLatin1(linkTexts);
      const pathTexts = linkTexts.map(() => `/nix/store/${text()}`);
      const paths = packLatin1(pathTexts);
      const roots = linkTexts.map((link, i) => ({
        root: { link, path: pathTexts[i]!, kind: rng.pick(['symlink', 'runtime', 'temp'] as const) },
        group: text(),
        closure: size(),
        exclusive: size(),
        ageSeconds: rng.chance(0.3) ? null : rng.int(0, 1e9),
        ...(rng.chance(0.8) ? { linkAt: i } : {}),
        ...(rng.chance(0.8) ? { pathAt: i } : {}),
      }));
      const report: RootSizesReport = { command: 'root-sizes', storeDir: '/nix/store', roots, groups: [], findings: [], links, paths };
      expect(renderJson(report).toString('utf8'), JSON.stringify(linkTexts)).toBe(`${JSON.stringify(toJson(report), null, 2)}\n`);
    }
  });
});

describe('why written a chain at a time', () => {
  it('is the text JSON.stringify(_, null, 2) writes for the report, and the same through a sink', () => {
    const rng = createRng(24);
    const pieces = ['/nix/store/', 'a', 'é', '\xe9', '\xff', '"', '\\', '\n', '\x00', '-'];
    const text = (): string => Array.from({ length: rng.int(0, 5) }, () => rng.pick(pieces)).join('');
    const edges = ['reference', 'keep-outputs', 'keep-derivations'] as const;
    for (let round = 0; round < 200; round++) {
      const chain = () => ({
        root: { link: text(), path: text(), kind: rng.pick(['symlink', 'file', 'temp'] as const) },
        start: text(),
        steps: Array.from({ length: rng.int(0, 3) }, () => ({ from: text(), to: text(), edge: rng.pick([...edges]) })),
      });
      const report: WhyReport = {
        command: 'why', storeDir: '/nix/store', findings: [],
        paths: Array.from({ length: rng.int(0, 3) }, () => {
          const alive = rng.chance(0.7);
          const chains = alive ? Array.from({ length: rng.int(0, 4) }, chain) : [];
          return { path: text(), alive, chains };
        }),
      };
      const expected = `${JSON.stringify(toJson(report), null, 2)}\n`;
      expect(renderJson(report).toString('utf8')).toBe(expected);
      const got: Buffer[] = [];
      const rest = renderJson(report, (b) => got.push(Buffer.from(b)));
      expect(Buffer.concat([...got, rest]).toString('utf8')).toBe(expected);
      // The text, likewise, through a sink.
      const whole = renderText(report);
      const pieces: Buffer[] = [];
      const textRest = renderText(report, (b) => pieces.push(Buffer.from(b)));
      expect(Buffer.concat([...pieces, textRest]).equals(whole)).toBe(true);
      for (const p of report.paths) {
        expect(whole.toString('latin1')).toContain(p.alive ? `${p.path} is alive` : `${p.path} is dead`);
        for (const c of p.chains) expect(whole.toString('latin1')).toContain(`  ${c.root.link} -> ${c.root.path} (${c.root.kind})\n`);
      }
    }
  });
});
