/**
 * The root rows of `roots --sizes --json` from columns (insightTypes.ts RootColumns), as
 * writeRootRowJson writes each row and jsonInPieces joins them (`,\n    ` between rows): written
 * root by root in the order the roots are stored, each row at its place, found beforehand from
 * the rows' lengths (rootRowsText.ts says why). Strings that are not their own JSON (not
 * printable ASCII, or with a quote or backslash) are made as before, by display and
 * JSON.stringify, once to count them and once to write them: they are rare.
 */
import { display } from '../store/bytes.js';
import { ByteChunks, numberLength } from './byteChunks.js';
import { KEYS, plainBytes } from './insightJson.js';
import type { RootColumns } from './insightTypes.js';
import { writePlaced } from './placedRows.js';
import type { RowPlaces } from './placedRows.js';

const QUOTE = 0x22;
const EMPTY = new Uint8Array(0);
const SEPARATOR = Buffer.from(',\n    ', 'latin1');
/** The keys, the braces and the quotes of the four strings: every row has them. */
const FIXED = Object.values(KEYS).reduce((sum, key) => sum + key.length, 0) + 8;

const quoted = (text: string): Buffer => Buffer.from(JSON.stringify(display(text)), 'utf8');

/** A string's JSON with its quotes, made once: kinds and groups are few. */
class Quoted {
  private readonly made = new Map<string, Buffer>();

  of(text: string): Buffer {
    let json = this.made.get(text);
    if (json === undefined) this.made.set(text, json = quoted(text));
    return json;
  }
}

/** JSON of a number as jsonNumber (insightJson.ts) writes it: digits, or JSON.stringify's. */
function numberJsonLength(value: number | null): number {
  return value !== null && Number.isSafeInteger(value) && value >= 0 ? numberLength(value, 0) : JSON.stringify(value).length;
}

function writeNumber(out: ByteChunks, value: number | null): void {
  if (value !== null && Number.isSafeInteger(value) && value >= 0) out.number(value, 0);
  else out.write(JSON.stringify(value));
}

/** RowPlaces, and which strings of each root are their own JSON (LINK_PLAIN, PATH_PLAIN): found once. */
export interface JsonRowPlaces extends RowPlaces {
  readonly plain: Uint8Array;
}

const LINK_PLAIN = 1;
const PATH_PLAIN = 2;

/** Where each shown root's row (with the separator before it, but the first's) starts, and the rows' length. */
export function placeRootRowsJson(c: RootColumns): JsonRowPlaces {
  const { order, roots, closure, exclusive, ages, links, pathAt, paths, group, groupNames } = c;
  const head = paths.head ?? EMPTY;
  const headPlain = plainBytes(head, 0, head.length);
  const strings = new Quoted();
  const place = new Float64Array(roots.length).fill(-1);
  const plain = new Uint8Array(roots.length);
  for (let k = 0; k < order.length; k++) place[order[k]!] = 0;
  for (let i = 0; i < roots.length; i++) {
    if (place[i] === -1) continue;
    const root = roots[i]!;
    let length = FIXED + SEPARATOR.length;
    const from = links.offsets[i]!;
    const to = links.offsets[i + 1]!;
    const linkPlain = plainBytes(links.bytes, from, to);
    length += linkPlain ? to - from : quoted(root.link).length - 2;
    const p = pathAt[i]!;
    const pathPlain = p >= 0 && headPlain && plainBytes(paths.bytes, paths.offsets[p]!, paths.offsets[p + 1]!);
    length += pathPlain ? head.length + paths.offsets[p + 1]! - paths.offsets[p]! : quoted(root.path).length - 2;
    plain[i] = (linkPlain ? LINK_PLAIN : 0) | (pathPlain ? PATH_PLAIN : 0);
    length += strings.of(root.kind).length - 2 + strings.of(groupNames[group[i]!]!).length - 2;
    for (let s = 3 * i; s < 3 * i + 3; s++) length += numberJsonLength(closure[s]!) + numberJsonLength(exclusive[s]!);
    place[i] = length + numberJsonLength(Number.isNaN(ages[i]!) ? null : ages[i]!);
  }
  let total = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const length = place[i]!;
    place[i] = total;
    total += k === 0 ? length - SEPARATOR.length : length;
  }
  return { place, total, plain };
}

/** The rows of `c` at their places, root by root: the text of the rows joined by `,\n    `. */
export function writeRootRowsJson(out: ByteChunks, c: RootColumns, places: JsonRowPlaces): void {
  const { order, roots, closure, exclusive, ages, links, pathAt, paths, group, groupNames } = c;
  const { plain } = places;
  const head = paths.head ?? EMPTY;
  const strings = new Quoted();
  const first = order.length > 0 ? order[0]! : -1;
  writePlaced(out, order, places, (i) => {
    if (i !== first) out.put(SEPARATOR);
    const root = roots[i]!;
    out.put(KEYS.link);
    const from = links.offsets[i]!;
    const to = links.offsets[i + 1]!;
    if (plain[i]! & LINK_PLAIN) quote(out, EMPTY, links.bytes, from, to);
    else out.put(quoted(root.link));
    out.put(KEYS.path);
    const p = pathAt[i]!;
    if (plain[i]! & PATH_PLAIN) quote(out, head, paths.bytes, paths.offsets[p]!, paths.offsets[p + 1]!);
    else out.put(quoted(root.path));
    out.put(KEYS.kind);
    out.put(strings.of(root.kind));
    out.put(KEYS.group);
    out.put(strings.of(groupNames[group[i]!]!));
    out.put(KEYS.closurePaths);
    writeNumber(out, closure[3 * i]!);
    out.put(KEYS.closureNarSize);
    writeNumber(out, closure[3 * i + 1]!);
    out.put(KEYS.closureDiskBytes);
    writeNumber(out, closure[3 * i + 2]!);
    out.put(KEYS.exclusivePaths);
    writeNumber(out, exclusive[3 * i]!);
    out.put(KEYS.exclusiveNarSize);
    writeNumber(out, exclusive[3 * i + 1]!);
    out.put(KEYS.exclusiveDiskBytes);
    writeNumber(out, exclusive[3 * i + 2]!);
    out.put(KEYS.ageSeconds);
    writeNumber(out, Number.isNaN(ages[i]!) ? null : ages[i]!);
    out.put(KEYS.end);
  });
}

/** head + bytes[from, to) in quotes. */
function quote(out: ByteChunks, head: Uint8Array, bytes: Uint8Array, from: number, to: number): void {
  out.byte(QUOTE);
  out.put(head);
  out.copy(bytes, from, to);
  out.byte(QUOTE);
}
