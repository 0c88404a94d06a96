import { describe, expect, it } from 'vitest';
import { renderRootSizesText } from '../../src/report/insightText.js';
import type { RootColumns, RootSizeEntry, RootSizesReport } from '../../src/report/insightTypes.js';
import { renderJson } from '../../src/report/json.js';
import { ByteChunks } from '../../src/report/byteChunks.js';
import { placeRootRows, writeRootRows } from '../../src/report/rootRowsText.js';
import { placeRootRowsJson, writeRootRowsJson } from '../../src/report/rootRowsJson.js';
import type { Root } from '../../src/roots/types.js';
import { packLatin1 } from '../../src/store/byteOrder.js';
import { createRng } from '../support/prng.js';
import type { Rng } from '../support/prng.js';

const MIB = 1024 * 1024;

/** A report whose rows are made one at a time, and the same with the rows' columns. */
function reports(rng: Rng): { byRows: RootSizesReport; byColumns: RootSizesReport } {
  const pieces = ['/nix/var/nix/gcroots/', 'a', '\xe9', '\xff', ' ', '-', '"', '\\', '\n', '\x7f', 'result', 'x'.repeat(40)];
  const text = (): string => Array.from({ length: rng.int(0, 6) }, () => rng.pick(pieces)).join('');
  const number = (): number => rng.pick([0, 1, 9, 10, 999_999, 9_999_999, 10_000_000, 2 ** 31, 1e9 - 1, 1e12, 2 ** 40, 2 ** 49, rng.int(0, 2 ** 31), Math.round((rng.int(0, 1e7) + 0.5) * MIB / 10)]);
  const count = rng.int(0, 12);
  const roots: Root[] = Array.from({ length: count }, () => ({ link: text(), path: `/nix/store/${text()}`, kind: rng.pick(['symlink', 'file', 'runtime', 'temp'] as const) }));
  const links = packLatin1(roots.map((r) => r.link));
  // The path table keeps the store directory once, as a head.
  const paths = { ...packLatin1(roots.map((r) => r.path.slice('/nix/store/'.length))), head: Buffer.from('/nix/store/', 'latin1') };
  const pathAt = Int32Array.from(roots, (_, i) => (rng.chance(0.8) ? i : -1));
  const closure = Float64Array.from({ length: 3 * count }, number);
  const exclusive = Float64Array.from({ length: 3 * count }, number);
  const ages = Float64Array.from({ length: count }, () => (rng.chance(0.2) ? Number.NaN : rng.pick([0, 59, 60, 3599, 3600, 86399, 86400, rng.int(0, 1e9), 1e12])));
  const groupNames = Array.from({ length: rng.int(1, 3) }, text);
  const group = Int32Array.from(roots, () => rng.int(0, groupNames.length - 1));
  const order = Int32Array.from(rng.shuffle(roots.map((_, i) => i)).slice(0, rng.int(0, count)));
  const sizes = (column: Float64Array, i: number) => ({ paths: column[3 * i]!, narSize: column[3 * i + 1]!, diskBytes: column[3 * i + 2]! });
  const entries: RootSizeEntry[] = Array.from(order, (i) => ({
    root: roots[i]!, group: groupNames[group[i]!]!, closure: sizes(closure, i), exclusive: sizes(exclusive, i), ageSeconds: Number.isNaN(ages[i]!) ? null : ages[i]!, linkAt: i, pathAt: pathAt[i]! >= 0 ? pathAt[i]! : undefined,
  }));
  const groups = groupNames.slice(0, count === 0 ? 0 : 2).map((name, g) => ({ name, roots: rng.int(1, 3), closure: sizes(closure, g), exclusive: sizes(exclusive, g), ageSeconds: g === 0 ? null : 120 }));
  const byRows: RootSizesReport = { command: 'root-sizes', storeDir: '/nix/store', roots: entries, groups, findings: [], links, paths };
  const columns: RootColumns = { order, roots, closure, exclusive, ages, links, group, groupNames, pathAt, paths };
  return { byRows, byColumns: { ...byRows, roots: { length: entries.length, at: (k: number) => entries[k], columns } } };
}

describe('roots --sizes rows written from their columns', () => {
  it('are the text of the same rows made one at a time, whatever the numbers, strings and order', () => {
    const rng = createRng(31);
    for (let round = 0; round < 300; round++) {
      const { byRows, byColumns } = reports(rng);
      expect(renderRootSizesText(byColumns).toString('latin1')).toBe(renderRootSizesText(byRows).toString('latin1'));
    }
  });

  it('are the JSON of the same rows made one at a time', () => {
    const rng = createRng(32);
    for (let round = 0; round < 300; round++) {
      const { byRows, byColumns } = reports(rng);
      expect(renderJson(byColumns).toString('utf8')).toBe(renderJson(byRows).toString('utf8'));
    }
  });
});

describe('roots --sizes rows by the native helper', () => {
  it('are the bytes plain Node writes, text and JSON, at the edges of every number and in windows', () => {
    const rng = createRng(35);
    // Beside reports()'s numbers: past 2^53, far past it, fractions, tenths exactly at a half
    // (and a hair below it), NaN (written as Node writes it), ages too wide for their column.
    const extreme = [2 ** 53, 2 ** 53 + 2, 1.5e20, 1e300, 0.5, 1e-300, 2.5 * MIB / 10, 0.49999999999999994 * MIB / 10, Number.NaN, 123.456];
    let rows = 0;
    for (let round = 0; round < 300; round++) {
      const { byColumns } = reports(rng);
      const columns = byColumns.roots.columns!;
      for (const column of [columns.closure, columns.exclusive, columns.ages]) {
        for (let k = 0; k < column.length; k++) if (rng.chance(0.2)) column[k] = rng.pick(column === columns.ages ? [1e15, 1e20, ...extreme] : extreme);
      }
      const places = placeRootRows(columns);
      const jsonPlaces = placeRootRowsJson(columns);
      const window = rng.pick([1, 50, 1 << 20]);
      const text = (by: 'native' | 'node', sink: boolean, json = false): string => {
        const pieces: Buffer[] = [];
        const out = sink ? new ByteChunks(0, (bytes) => pieces.push(Buffer.from(bytes)), window) : new ByteChunks();
        if (json) writeRootRowsJson(out, columns, jsonPlaces, by);
        else writeRootRows(out, columns, places, by);
        return Buffer.concat([...pieces, out.bytes()]).toString('latin1');
      };
      const node = text('node', false);
      expect(text('native', false), `round ${round}`).toBe(node);
      expect(text('native', true), `round ${round}`).toBe(node);
      const nodeJson = text('node', false, true);
      expect(text('native', false, true), `round ${round}`).toBe(nodeJson);
      expect(text('native', true, true), `round ${round}`).toBe(nodeJson);
      rows += columns.order.length;
    }
    expect(rows).toBeGreaterThan(500);
  });
});

describe('roots --sizes rows handed to a sink a window at a time', () => {
  /** What `write` makes, handed to a sink in windows of `window` bytes, joined. */
  const inPieces = (window: number, write: (out: ByteChunks) => void): { text: string; pieces: number } => {
    const pieces: Buffer[] = [];
    // Each piece copied: the sink's buffer is written again after it returns.
    const out = new ByteChunks(0, (bytes) => pieces.push(Buffer.from(bytes)), window);
    write(out);
    pieces.push(Buffer.from(out.bytes()));
    return { text: Buffer.concat(pieces).toString('latin1'), pieces: pieces.length };
  };

  it('are the text and the JSON written whole, for windows from one byte to all of it', () => {
    const rng = createRng(33);
    let windowed = 0;
    for (let round = 0; round < 200; round++) {
      const { byColumns } = reports(rng);
      const columns = byColumns.roots.columns!;
      const whole = new ByteChunks();
      writeRootRows(whole, columns, placeRootRows(columns));
      const wholeJson = new ByteChunks();
      writeRootRowsJson(wholeJson, columns, placeRootRowsJson(columns));
      const window = rng.pick([1, 7, 100, 300, 1 << 20]);
      const text = inPieces(window, (out) => writeRootRows(out, columns, placeRootRows(columns)));
      const json = inPieces(window, (out) => writeRootRowsJson(out, columns, placeRootRowsJson(columns)));
      expect(text.text).toBe(whole.bytes().toString('latin1'));
      expect(json.text).toBe(wholeJson.bytes().toString('latin1'));
      if (text.pieces > 2) windowed++;
    }
    // Most rounds with rows and a small window went through several windows.
    expect(windowed).toBeGreaterThan(50);
  });

  it('make the same report through a sink as without', () => {
    const rng = createRng(34);
    for (let round = 0; round < 50; round++) {
      const { byColumns } = reports(rng);
      const pieces: Buffer[] = [];
      const rest = renderJson(byColumns, (bytes) => pieces.push(Buffer.from(bytes)));
      expect(Buffer.concat([...pieces, rest]).toString('utf8')).toBe(renderJson(byColumns).toString('utf8'));
      pieces.length = 0;
      const textRest = renderRootSizesText(byColumns, (bytes) => pieces.push(Buffer.from(bytes)));
      expect(Buffer.concat([...pieces, textRest]).toString('latin1')).toBe(renderRootSizesText(byColumns).toString('latin1'));
    }
  });
});
