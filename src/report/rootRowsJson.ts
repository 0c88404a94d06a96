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
import { eachWindow, writePlaced } from './placedRows.js';
import { helperBy } from '../store/native.js';
import type { By, NativeRootJsonColumns } from '../store/native.js';
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

/**
 * The rows of `c` at their places, root by root: the text of the rows joined by `,\n    `. By
 * the native helper where it loads (the same bytes: native/rootRows.c), else here.
 */
export function writeRootRowsJson(out: ByteChunks, c: RootColumns, places: JsonRowPlaces, by?: By): void {
  const rootRowsJson = helperBy(by)?.rootRowsJson;
  if (rootRowsJson !== undefined) {
    const columns = nativeColumns(c, places);
    eachWindow(out, c.order, places, (rows, from, to) => {
      const { buffer, at } = out.reserveIn(to - from);
      rootRowsJson(buffer, at, from, to, rows, columns);
    });
    return;
  }
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

/** Buffers packed as one: bytes and offsets. */
function packBuffers(parts: readonly Uint8Array[]): { bytes: Uint8Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(parts.length + 1);
  for (let k = 0; k < parts.length; k++) offsets[k + 1] = offsets[k]! + parts[k]!.length;
  return { bytes: Buffer.concat(parts), offsets };
}

/** The JSON of a number writeNumber does not write as digits, or undefined for one it does. */
function specialNumber(value: number | null): string | undefined {
  return value !== null && Number.isSafeInteger(value) && value >= 0 ? undefined : JSON.stringify(value);
}

/**
 * What native/rootRows.c reads of `c` for JSON: each shown row's kind as a code, the JSON of its
 * strings that are not their own, and of its numbers that are not digits, made here (they are rare).
 */
function nativeColumns(c: RootColumns, places: JsonRowPlaces): NativeRootJsonColumns {
  const { order, roots, closure, exclusive, ages, group, groupNames } = c;
  const { place, plain } = places;
  const strings = new Quoted();
  const kinds: Buffer[] = [];
  const codes = new Map<string, number>();
  const kind = new Uint8Array(roots.length);
  const linkQuoted = new Int32Array(roots.length).fill(-1);
  const pathQuoted = new Int32Array(roots.length).fill(-1);
  const quotedParts: Buffer[] = [];
  const specialKeys: number[] = [];
  const specials: Buffer[] = [];
  for (let i = 0; i < roots.length; i++) {
    if (place[i]! < 0) continue;
    const root = roots[i]!;
    let code = codes.get(root.kind);
    if (code === undefined) {
      codes.set(root.kind, code = kinds.length);
      kinds.push(strings.of(root.kind));
    }
    kind[i] = code;
    if (!(plain[i]! & LINK_PLAIN)) {
      linkQuoted[i] = quotedParts.length;
      quotedParts.push(quoted(root.link));
    }
    if (!(plain[i]! & PATH_PLAIN)) {
      pathQuoted[i] = quotedParts.length;
      quotedParts.push(quoted(root.path));
    }
    for (let f = 0; f < 7; f++) {
      const value = f < 3 ? closure[3 * i + f]! : f < 6 ? exclusive[3 * i + f - 3]! : Number.isNaN(ages[i]!) ? null : ages[i]!;
      const json = specialNumber(value);
      if (json === undefined) continue;
      specialKeys.push(7 * i + f);
      specials.push(Buffer.from(json, 'latin1'));
    }
  }
  const keys = packBuffers(KEY_ORDER.map((key) => KEYS[key]));
  const quotedPacked = packBuffers(quotedParts);
  const kindPacked = packBuffers(kinds);
  const groupPacked = packBuffers(groupNames.map((name) => strings.of(name)));
  const special = packBuffers(specials);
  return {
    place, plain, first: order.length > 0 ? order[0]! : -1, keyBytes: keys.bytes, keyOffsets: keys.offsets, separator: SEPARATOR,
    linkBytes: c.links.bytes, linkOffsets: c.links.offsets, pathBytes: c.paths.bytes, pathOffsets: c.paths.offsets, head: c.paths.head ?? EMPTY, pathAt: c.pathAt,
    quotedBytes: quotedPacked.bytes, quotedOffsets: quotedPacked.offsets, linkQuoted, pathQuoted, kind, kindBytes: kindPacked.bytes, kindOffsets: kindPacked.offsets,
    group, groupBytes: groupPacked.bytes, groupOffsets: groupPacked.offsets, closure, exclusive, ages,
    specialKeys: Float64Array.from(specialKeys), specialBytes: special.bytes, specialOffsets: special.offsets,
  };
}

/** The keys in the order native/rootRows.c writes them. */
const KEY_ORDER = ['link', 'path', 'kind', 'group', 'closurePaths', 'closureNarSize', 'closureDiskBytes', 'exclusivePaths', 'exclusiveNarSize', 'exclusiveDiskBytes', 'ageSeconds', 'end'] as const;
