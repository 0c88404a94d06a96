/**
 * The rows of `roots --sizes` text: each row's numbers (exclusive then closure paths, MiB on disk
 * with one decimal and narSize MiB, the age), then `link -> path (kind)`.
 *
 * From columns (insightTypes.ts RootColumns) the rows are written root by root in the order the
 * roots are stored, each at its place in the output, found beforehand from the rows' lengths:
 * in row order every root's link, path and sizes were a read at a random place (700k roots: a
 * second, mostly waiting on memory), where a write at a random place does not wait.
 */
import { ByteChunks, numberLength, tenthsLength } from './byteChunks.js';
import type { RootColumns } from './insightTypes.js';
import { eachWindow, writePlaced } from './placedRows.js';
import { packLatin1 } from '../store/byteOrder.js';
import { helperBy } from '../store/native.js';
import type { By, NativeRootColumns } from '../store/native.js';
import type { RowPlaces } from './placedRows.js';

const MIB = 1024 * 1024;
const [DAY, HOUR, MINUTE] = [0x64, 0x68, 0x6d];
const EMPTY = new Uint8Array(0);
const ARROW = Buffer.from(' -> ', 'latin1');

/** The age column, `age.padStart(5)`: `12d`, `5h`, `30m`, `-` for none (null or NaN). */
function age(out: ByteChunks, seconds: number | null): void {
  if (seconds === null || Number.isNaN(seconds)) {
    out.spaces(4);
    out.byte(0x2d);
    return;
  }
  const [value, unit] = seconds >= 86400 ? [Math.floor(seconds / 86400), DAY] : seconds >= 3600 ? [Math.floor(seconds / 3600), HOUR] : [Math.floor(seconds / 60), MINUTE];
  out.number(value, 4);
  out.byte(unit);
}

function ageLength(seconds: number | null): number {
  if (seconds === null || Number.isNaN(seconds)) return 5;
  return numberLength(Math.floor(seconds / (seconds >= 86400 ? 86400 : seconds >= 3600 ? 3600 : 60)), 4) + 1;
}

/** The numbers of a row and the separators after them: FITTED bytes unless a number outgrows its column. */
export function numbers(out: ByteChunks, exPaths: number, exDisk: number, exNar: number, clPaths: number, clDisk: number, clNar: number, seconds: number | null): void {
  out.number(exPaths, 10);
  out.spaces(1);
  out.tenths(exDisk, MIB, 10);
  out.spaces(1);
  out.tenths(exNar, MIB, 10);
  out.spaces(2);
  out.number(clPaths, 7);
  out.spaces(1);
  out.tenths(clDisk, MIB, 10);
  out.spaces(1);
  out.tenths(clNar, MIB, 10);
  out.spaces(2);
  age(out, seconds);
  out.spaces(2);
}

/** A tenths column of 10 holds `value` when its tenths have at most 9 digits (tenthsLength). */
const fitsTenths = (value: number): boolean => Math.round((value * 10) / MIB) < 1e9;

/** The columns' widths and the separators between and after them (numbers()). */
const FITTED = 10 + 1 + 10 + 1 + 10 + 2 + 7 + 1 + 10 + 1 + 10 + 2 + 5 + 2;

/** How many bytes numbers() writes: FITTED when every number fits its column (most rows: checked first). */
export function numbersLength(exPaths: number, exDisk: number, exNar: number, clPaths: number, clDisk: number, clNar: number, seconds: number | null): number {
  const ageFits = seconds === null || Number.isNaN(seconds) || seconds < 1e4 * 86400;
  if (exPaths < 1e10 && clPaths < 1e7 && fitsTenths(exDisk) && fitsTenths(exNar) && fitsTenths(clDisk) && fitsTenths(clNar) && ageFits) return FITTED;
  return numberLength(exPaths, 10) + tenthsLength(exDisk, MIB, 10) + tenthsLength(exNar, MIB, 10) + numberLength(clPaths, 7)
    + tenthsLength(clDisk, MIB, 10) + tenthsLength(clNar, MIB, 10) + ageLength(seconds) + 10;
}

/** What ends a row of each kind, ` (kind)\n`: made once each. */
export class KindEnds {
  private readonly ends = new Map<string, Buffer>();

  of(kind: string): Buffer {
    let end = this.ends.get(kind);
    if (end === undefined) this.ends.set(kind, end = Buffer.from(` (${kind})\n`, 'latin1'));
    return end;
  }
}


/** The places of the rows of `c`, from their lengths, in the order c.order gives. */
export function placeRootRows(c: RootColumns): RowPlaces {
  const { order, roots, closure: cl, exclusive: ex, ages, links, pathAt, paths } = c;
  const head = paths.head ?? EMPTY;
  const ends = new KindEnds();
  const place = new Float64Array(roots.length).fill(-1);
  for (let k = 0; k < order.length; k++) place[order[k]!] = 0;
  for (let i = 0; i < roots.length; i++) {
    if (place[i] === -1) continue;
    const root = roots[i]!;
    const p = pathAt[i]!;
    const path = p >= 0 ? head.length + paths.offsets[p + 1]! - paths.offsets[p]! : root.path.length;
    place[i] = numbersLength(ex[3 * i]!, ex[3 * i + 2]!, ex[3 * i + 1]!, cl[3 * i]!, cl[3 * i + 2]!, cl[3 * i + 1]!, ages[i]!)
      + links.offsets[i + 1]! - links.offsets[i]! + ARROW.length + path + ends.of(root.kind).length;
  }
  let total = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const length = place[i]!;
    place[i] = total;
    total += length;
  }
  return { place, total };
}

/**
 * The rows of `c` at their places, root by root: by the native helper where it loads (the same
 * bytes: native/rootRows.c), else here.
 */
export function writeRootRows(out: ByteChunks, c: RootColumns, places: RowPlaces, by?: By): void {
  const rootRows = helperBy(by)?.rootRows;
  if (rootRows !== undefined) {
    const columns = nativeColumns(c, places);
    eachWindow(out, c.order, places, (rows, from, to) => {
      const { buffer, at } = out.reserveIn(to - from);
      rootRows(buffer, at, from, to, rows, columns);
    });
    return;
  }
  const { roots, closure: cl, exclusive: ex, ages, links, pathAt, paths } = c;
  const head = paths.head ?? EMPTY;
  const ends = new KindEnds();
  writePlaced(out, c.order, places, (i) => {
    numbers(out, ex[3 * i]!, ex[3 * i + 2]!, ex[3 * i + 1]!, cl[3 * i]!, cl[3 * i + 2]!, cl[3 * i + 1]!, ages[i]!);
    out.copy(links.bytes, links.offsets[i]!, links.offsets[i + 1]!);
    out.put(ARROW);
    const root = roots[i]!;
    const p = pathAt[i]!;
    if (p >= 0) {
      out.put(head);
      out.copy(paths.bytes, paths.offsets[p]!, paths.offsets[p + 1]!);
    } else out.write(root.path);
    out.put(ends.of(root.kind));
  });
}

/** What native/rootRows.c reads of `c`: each shown row's kind as a code, the paths not in the table packed. */
function nativeColumns(c: RootColumns, places: RowPlaces): NativeRootColumns {
  const { roots, pathAt, paths, links } = c;
  const { place } = places;
  const kinds: string[] = [];
  const codes = new Map<string, number>();
  const kind = new Uint8Array(roots.length);
  const otherAt = new Int32Array(roots.length).fill(-1);
  const others: string[] = [];
  for (let i = 0; i < roots.length; i++) {
    if (place[i]! < 0) continue;
    const root = roots[i]!;
    let code = codes.get(root.kind);
    if (code === undefined) {
      codes.set(root.kind, code = kinds.length);
      kinds.push(root.kind);
    }
    kind[i] = code;
    if (pathAt[i]! < 0) {
      otherAt[i] = others.length;
      others.push(root.path);
    }
  }
  const ends = packLatin1(kinds.map((k) => ` (${k})\n`));
  const other = packLatin1(others);
  return {
    place, exclusive: c.exclusive, closure: c.closure, ages: c.ages, linkBytes: links.bytes, linkOffsets: links.offsets,
    pathBytes: paths.bytes, pathOffsets: paths.offsets, head: paths.head ?? EMPTY, pathAt, otherBytes: other.bytes, otherOffsets: other.offsets,
    otherAt, kind, endBytes: ends.bytes, endOffsets: ends.offsets,
  };
}
