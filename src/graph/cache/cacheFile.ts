/**
 * The graph cache file: magic, format version, a JSON header (the state dir, the database's
 * identity, the sections' lengths), then the graph built from the rows (graphBlob.ts; empty when
 * there is none) at an offset that is a multiple of 8, a check field (checksum.ts: a CRC-32 of
 * everything so far and the graph's random name, the key), then the columns of CachedRows
 * (numbers as raw float64 at multiples of 8 from the section's start, used in place; text as
 * UTF-8 bytes with an offset per row: textColumn.ts; the paths only when there is no graph,
 * which holds them otherwise), and a CRC-32 of those. The file's length is in its header, so a
 * torn file is found at once; a damaged row is found when the rows are read. Written to a
 * temporary file and renamed, so a reader sees the old file or the new one. Here: the format,
 * written (`encodeParts`) and parsed from any Source (`parse`); openCacheFile.ts reads a file
 * (a run that finds the database untouched needs the graph alone: at 1.3M paths about half the
 * file read and checked, and no copy of either).
 */
import type { CheckField } from '../../store/writeBehind.js';
import { CHECK_LENGTH, checkField, crc32Of, crcIn, nameIn, nameOfKey, newGraphName } from './checksum.js';
import type { GraphLineage } from '../lineage.js';
import type { CachedRows } from './cachedRows.js';
import { TextColumn } from './textColumn.js';
import { NUMBER_COLUMNS, TEXT_COLUMNS, isRowPieces, piecesOf } from './rowPieces.js';
import type { RowPieces } from './rowPieces.js';

const MAGIC = Buffer.from('storegc-graph\n\0\0', 'latin1');
export const GRAPH_CACHE_VERSION = 7;
const DIGEST = CHECK_LENGTH;

/** What the cache must match before any of its rows are used. */
export interface CacheIdentity {
  readonly stateDir: string;
  /** Device and inode of db.sqlite: a database renamed into place is another database. */
  readonly dbDev: number;
  readonly dbIno: number;
}

export class CacheDamaged extends Error {}
/** A cache written by another version of storegc: replaced silently, like a missing one. */
export class CacheOutdated extends Error {}


/** GraphLineage in the header's JSON. */
interface StoredLineage {
  readonly previousKey: string;
  readonly previousCount: number;
  readonly deleted: number[];
  readonly added: number[];
}

/** Lineages of more changes than this are not kept: the header is parsed on every run. */
const MAX_LINEAGE_CHANGES = 65_536;

interface Header extends CacheIdentity {
  readonly sequence: number;
  readonly fingerprint?: string;
  readonly lineage?: StoredLineage;
  readonly graphLength: number;
  readonly rowsLength: number;
  /** The rows section has no paths column: the graph holds each id's path (CachedRows.vpPath). */
  readonly pathsInGraph?: boolean;
}

/** A cache file as read: the header's facts and the graph section, the rows on demand. */
export interface CacheContent {
  readonly identity: CacheIdentity;
  readonly fingerprint?: string;
  /** The file holds a graph section (read now or later: `graph`, `soon`). */
  readonly hasGraph: boolean;
  /** The graph section if it was read now (graphBlob.ts), at an offset a multiple of 8 in its buffer. */
  readonly graph?: Buffer;
  /**
   * Names this graph: random, drawn when it was first written and kept when the same graph is
   * written again (the store listing cache, the liveness memo and the roots index's decisions key
   * on it).
   */
  readonly key: string;
  /** Where the graph came from, when it was refreshed from an earlier one (lineage.ts). */
  readonly lineage?: GraphLineage;
  /** The rows (checked against their checksum first). */
  rows(): CachedRows;
}

/**
 * @param graph the graph built from exactly these rows (encodeGraph), if any.
 * @param fingerprint the database files' fingerprint taken, quiet, before these rows were read (dbFingerprint.ts).
 * @param key the key this very graph was read with, to keep its name; a new one otherwise.
 */
export function encode(identity: CacheIdentity, rows: CachedRows | RowPieces, graph?: readonly Buffer[], fingerprint?: string, lineage?: GraphLineage, key?: string): Buffer {
  const { parts, checks } = encodeParts(identity, rows, graph, fingerprint, lineage, key);
  for (const { field, from, to } of checks) parts[field]!.writeUInt32LE(crc32Of(parts.slice(from, to)) >>> 0, 0);
  return Buffer.concat(parts);
}

/** A cache file as its pieces, and the check fields whose CRC-32s are still to be filled in (writeBehind.ts). */
export interface EncodedParts {
  readonly parts: Buffer[];
  readonly checks: readonly CheckField[];
  /** The rows section's parts: what of them is a mapped file's is given back once written (writeBehind.ts). */
  readonly rowParts: { readonly from: number; readonly to: number };
}

/**
 * `encode` as the pieces of the file: written as they are, nothing copied twice; the CRC-32s
 * of the check fields are computed where the file is written (on its thread).
 */
export function encodeParts(identity: CacheIdentity, rows: CachedRows | RowPieces, graph?: readonly Buffer[], fingerprint?: string, lineage?: GraphLineage, key?: string): EncodedParts {
  // With a graph, the paths are its own (found by ValidPaths id): not written twice.
  const pathsInGraph = graph !== undefined;
  const pieces = isRowPieces(rows) ? rows : piecesOf(rows);
  const rowParts = rowSectionParts(pieces, pathsInGraph);
  const graphParts = graph ?? [];
  const header: Header = {
    ...identity, sequence: pieces.sequence, ...(fingerprint === undefined ? {} : { fingerprint }),
    ...(lineage === undefined || graph === undefined || lineage.deleted.length + lineage.added.length > MAX_LINEAGE_CHANGES ? {} : {
      lineage: { previousKey: lineage.previousKey, previousCount: lineage.previousCount, deleted: [...lineage.deleted], added: [...lineage.added] },
    }),
    graphLength: graphParts.reduce((n, b) => n + b.length, 0), rowsLength: rowParts.reduce((n, b) => n + b.length, 0),
    ...(pathsInGraph ? { pathsInGraph } : {}),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = [MAGIC, u32(GRAPH_CACHE_VERSION), u32(json.length), json];
  head.push(Buffer.alloc(pad(head.reduce((n, b) => n + b.length, 0))));
  const name = (key === undefined ? undefined : nameOfKey(key)) ?? newGraphName();
  const parts = [...head, ...graphParts, checkField(0, name), ...rowParts, checkField(0)];
  const graphCheck = head.length + graphParts.length;
  return {
    parts,
    checks: [{ field: graphCheck, from: 0, to: graphCheck }, { field: parts.length - 1, from: graphCheck + 1, to: parts.length - 1 }],
    rowParts: { from: graphCheck + 1, to: parts.length - 1 },
  };
}

/** The rows section's bytes, as parts (decodeRows reads them back). */
function rowSectionParts(rows: RowPieces, pathsInGraph: boolean): Buffer[] {
  const parts: Buffer[] = [];
  let at = 0;
  for (const name of NUMBER_COLUMNS) {
    // Count, element kind (0 float64, 1 uint32), then the numbers at a multiple of 8 from the
    // section's start: read in place (decodeRows).
    const column = rows.numbers[name];
    const gap = pad(at + 8);
    parts.push(u32(column.length), u32(column.narrow ? 1 : 0), Buffer.alloc(gap));
    at += 8 + gap;
    for (const piece of column.pieces) {
      if ((piece instanceof Uint32Array) !== column.narrow) throw new Error(`graph cache: a piece of column ${name} of another element kind`);
      parts.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
      at += piece.byteLength;
    }
  }
  for (const name of TEXT_COLUMNS) {
    const column = rows.texts[name];
    if (name === 'vpPath' && pathsInGraph) continue;
    if (column === undefined) throw new Error('graph cache: rows without their paths can only be written with their graph');
    parts.push(...column);
  }
  return parts;
}

/** Rows as pieces, held whole (buildGraph reads rows so). */
export function rowsOfPieces(rows: RowPieces): CachedRows {
  const pathsInGraph = rows.texts.vpPath === undefined;
  return decodeRows(Buffer.concat(rowSectionParts(rows, pathsInGraph)), { sequence: rows.sequence, pathsInGraph });
}

/** The key (CacheContent.key) of an encoded cache, from its parts. */
export function keyOfParts(parts: readonly Buffer[], graph: readonly Buffer[] | undefined): string {
  // The check field of header and graph follows the head (5 parts) and the graph's parts.
  return nameIn(parts[5 + (graph ?? []).length]!);
}

/** A whole cache file in memory (tests, `index status`). */
export function decode(file: Buffer): { identity: CacheIdentity; rows: CachedRows; graph?: Buffer; fingerprint?: string; key: string; lineage?: GraphLineage } {
  const content = parse({ size: file.length, read: (at, length) => file.subarray(at, at + length) });
  return { identity: content.identity, rows: content.rows(), ...(content.graph === undefined ? {} : { graph: content.graph }), ...(content.fingerprint === undefined ? {} : { fingerprint: content.fingerprint }), key: content.key, ...(content.lineage === undefined ? {} : { lineage: content.lineage }) };
}

/** Where a file's bytes come from: read at offsets, or views of its mapping. */
export interface Source {
  readonly size: number;
  /** Device and inode of the file (0n for bytes in memory). */
  readonly dev?: bigint;
  readonly ino?: bigint;
  /** The file, mapped: `read` answers views of it, not copies. */
  readonly mapping?: Buffer;
  read(at: number, length: number): Buffer;
}

/** Where a file's graph section is; `crc`: that of the header before it, which its check continues. */
export interface GraphSection {
  readonly at: number;
  readonly length: number;
  readonly crc: number;
  /** The CRC its check field holds (of the header and the graph). */
  readonly check: number;
}

/** Where a file's rows section is, and what its check field says of it. */
export interface Section {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly at: number;
  readonly length: number;
  readonly crc: number;
  readonly sequence: number;
  readonly pathsInGraph: boolean;
}

/**
 * @param graphNow read the graph section and check it against its checksum (else only the name
 *   is read), or whether to, given the header's fingerprint.
 */
export function parse(source: Source, graphNow: boolean | ((fingerprint: string | undefined) => boolean) = true): CacheContent & { section: Section; graphSection: GraphSection } {
  const fixed = MAGIC.length + 8;
  if (source.size < fixed + 2 * DIGEST) throw new CacheDamaged('not a storegc graph cache');
  const start = source.read(0, fixed);
  if (!start.subarray(0, MAGIC.length).equals(MAGIC)) throw new CacheDamaged('not a storegc graph cache');
  const version = start.readUInt32LE(MAGIC.length);
  if (version !== GRAPH_CACHE_VERSION) throw new (version < GRAPH_CACHE_VERSION ? CacheOutdated : CacheDamaged)(`format version ${version}, expected ${GRAPH_CACHE_VERSION}`);
  const jsonLength = start.readUInt32LE(MAGIC.length + 4);
  if (fixed + jsonLength > source.size) throw new CacheDamaged('truncated (torn or damaged file)');
  const json = source.read(fixed, jsonLength);
  let header: Header;
  try {
    header = JSON.parse(json.toString('utf8')) as Header;
  } catch (error) {
    throw new CacheDamaged(`header: ${(error as Error).message}`);
  }
  const graphAt = fixed + jsonLength + pad(fixed + jsonLength);
  const { graphLength, rowsLength } = header;
  if (!Number.isSafeInteger(graphLength) || !Number.isSafeInteger(rowsLength) || graphLength < 0 || rowsLength < 0) throw new CacheDamaged('header: bad lengths');
  const rowsAt = graphAt + graphLength + DIGEST;
  if (rowsAt + rowsLength + DIGEST !== source.size) throw new CacheDamaged('checksum mismatch (torn or damaged file: not the length its header says)');
  const pathsInGraph = header.pathsInGraph === true;
  if (pathsInGraph && graphLength === 0) throw new CacheDamaged('header: the paths are in a graph the file lacks');
  const fingerprint = typeof header.fingerprint === 'string' ? header.fingerprint : undefined;
  const checkGraph = typeof graphNow === 'boolean' ? graphNow : graphNow(fingerprint);
  const graph = graphLength === 0 || !checkGraph ? undefined : source.read(graphAt, graphLength);
  const check = source.read(graphAt + graphLength, DIGEST);
  const headParts = [start, json, Buffer.alloc(graphAt - fixed - jsonLength)];
  const graphSection: GraphSection = { at: graphAt, length: graphLength, crc: crc32Of(headParts), check: crcIn(check) };
  const section: Section = {
    dev: source.dev ?? 0n, ino: source.ino ?? 0n, at: rowsAt, length: rowsLength,
    crc: crcIn(source.read(rowsAt + rowsLength, DIGEST)), sequence: header.sequence, pathsInGraph,
  };
  if (checkGraph && crc32Of([...headParts, ...(graph === undefined ? [] : [graph])]) !== graphSection.check) throw new CacheDamaged('checksum mismatch (torn or damaged file)');
  return {
    identity: { stateDir: header.stateDir, dbDev: header.dbDev, dbIno: header.dbIno },
    ...(fingerprint === undefined ? {} : { fingerprint }),
    hasGraph: graphLength > 0,
    ...(graph === undefined ? {} : { graph }),
    key: nameIn(check),
    section,
    graphSection,
    ...(graphLength === 0 ? {} : lineageIn(header.lineage)),
    rows: () => {
      const body = source.read(rowsAt, rowsLength);
      if (crc32Of([body]) !== crcIn(source.read(rowsAt + rowsLength, DIGEST))) throw new CacheDamaged('checksum mismatch (torn or damaged file)');
      return decodeRows(body, section);
    },
  };
}

/** The header's lineage, if it has one of the right shape (anything else: none, and nothing is translated). */
function lineageIn(stored: unknown): { lineage?: GraphLineage } {
  const l = stored as Partial<StoredLineage> | undefined;
  const ids = (a: unknown): a is number[] => Array.isArray(a) && a.every((x) => Number.isSafeInteger(x) && (x as number) >= 0);
  if (l === undefined || l === null || typeof l.previousKey !== 'string' || !Number.isSafeInteger(l.previousCount) || !ids(l.deleted) || !ids(l.added)) return {};
  return { lineage: { previousKey: l.previousKey, previousCount: l.previousCount!, deleted: Int32Array.from(l.deleted), added: Int32Array.from(l.added) } };
}

export function decodeRows(body: Buffer, { sequence, pathsInGraph }: Pick<Section, 'sequence' | 'pathsInGraph'>): CachedRows {
  let at = 0;
  const take = (length: number): Buffer => {
    if (at + length > body.length) throw new CacheDamaged('truncated');
    const part = body.subarray(at, at + length);
    at += length;
    return part;
  };
  const readU32 = (): number => take(4).readUInt32LE(0);
  const columns: Record<string, unknown> = { sequence };
  for (const name of NUMBER_COLUMNS) {
    const n = readU32();
    const kind = readU32();
    if (kind > 1 || (kind === 1 && !name.startsWith('ref'))) throw new CacheDamaged(`column ${name}: element kind ${kind}`);
    take(pad(at));
    const bytes = take(n * (kind === 1 ? 4 : 8));
    // In place when aligned (the file's rows section is read into a buffer of its own), else copied.
    const source = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
    columns[name] = kind === 1 ? new Uint32Array(source.buffer, source.byteOffset, n) : new Float64Array(source.buffer, source.byteOffset, n);
  }
  for (const name of TEXT_COLUMNS) {
    if (name === 'vpPath' && pathsInGraph) continue;
    try {
      columns[name] = TextColumn.fromParts(take);
    } catch (error) {
      throw error instanceof RangeError ? new CacheDamaged(`column ${name}: ${error.message}`) : error;
    }
  }
  if (at !== body.length) throw new CacheDamaged('trailing bytes');
  const rows = columns as unknown as CachedRows;
  if (rows.vpNarSize.length !== rows.vpId.length || rows.vpRegTime.length !== rows.vpId.length
    || rows.refReferrer.length !== rows.refRowid.length || rows.refReference.length !== rows.refRowid.length || rows.doDrv.length !== rows.doRowid.length
    || (rows.vpPath !== undefined && rows.vpPath.length !== rows.vpId.length) || rows.vpDeriver.length !== rows.vpId.length || rows.doName.length !== rows.doRowid.length || rows.doPath.length !== rows.doRowid.length) {
    throw new CacheDamaged('columns of different lengths');
  }
  return rows;
}

/** Bytes of padding after `length` bytes to reach a multiple of 8. */
function pad(length: number): number {
  return (8 - (length % 8)) % 8;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}
