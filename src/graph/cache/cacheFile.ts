/**
 * The graph cache file: magic, format version, a JSON header (the state dir, the database's
 * identity), then the columns of CachedRows (numbers as raw float64, text as one JSON array per
 * column, parsed only when read: a run that finds nothing changed never needs them), then the
 * graph built from those rows when there is one (graphBlob.ts; a zero length when not), then a
 * SHA-256 of everything before it. Written to a temporary file and renamed, so
 * a reader sees the old file or the new one; a torn, damaged or foreign file fails `decode`.
 */
import { createHash } from 'node:crypto';
import type { CachedRows } from './cachedRows.js';

const MAGIC = Buffer.from('storegc-graph\n\0\0', 'latin1');
export const GRAPH_CACHE_VERSION = 2;
const DIGEST = 32;

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

const NUMBER_COLUMNS = ['vpId', 'vpNarSize', 'vpRegTime', 'refRowid', 'refReferrer', 'refReference', 'doRowid', 'doDrv'] as const;
const TEXT_COLUMNS = ['vpPath', 'vpDeriver', 'doName', 'doPath'] as const;

/**
 * @param graph the graph built from exactly these rows (encodeGraph), if any.
 * @param fingerprint the database files' fingerprint taken, quiet, before these rows were read (dbFingerprint.ts).
 */
export function encode(identity: CacheIdentity, rows: CachedRows, graph?: readonly Buffer[], fingerprint?: string): Buffer {
  return Buffer.concat(encodeParts(identity, rows, graph, fingerprint));
}

/** `encode` as the pieces of the file, digest last: written as they are, nothing copied twice. */
export function encodeParts(identity: CacheIdentity, rows: CachedRows, graph?: readonly Buffer[], fingerprint?: string): Buffer[] {
  const parts: Buffer[] = [MAGIC, u32(GRAPH_CACHE_VERSION)];
  const header = Buffer.from(JSON.stringify({ ...identity, sequence: rows.sequence, ...(fingerprint === undefined ? {} : { fingerprint }) }), 'utf8');
  parts.push(u32(header.length), header);
  for (const name of NUMBER_COLUMNS) {
    const column = rows[name];
    parts.push(u32(column.length), Buffer.from(column.buffer, column.byteOffset, column.byteLength));
  }
  for (const name of TEXT_COLUMNS) {
    const text = Buffer.from(JSON.stringify(rows[name]), 'utf8');
    parts.push(u32(text.length), text);
  }
  parts.push(u32((graph ?? []).reduce((n, b) => n + b.length, 0)), ...(graph ?? []));
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  parts.push(hash.digest());
  return parts;
}

/** The digest that ends an encoded cache: it names this content (the store listing cache keys on it). */
export function digestOf(file: Buffer): string {
  return file.subarray(file.length - DIGEST).toString('hex');
}

export function decode(file: Buffer): { identity: CacheIdentity; rows: CachedRows; graph?: Buffer; fingerprint?: string } {
  if (file.length < MAGIC.length + 4 + DIGEST || !file.subarray(0, MAGIC.length).equals(MAGIC)) throw new CacheDamaged('not a storegc graph cache');
  const body = file.subarray(0, file.length - DIGEST);
  if (!createHash('sha256').update(body).digest().equals(file.subarray(file.length - DIGEST))) throw new CacheDamaged('checksum mismatch (torn or damaged file)');
  let at = MAGIC.length;
  const take = (length: number): Buffer => {
    if (at + length > body.length) throw new CacheDamaged('truncated');
    const part = body.subarray(at, at + length);
    at += length;
    return part;
  };
  const readU32 = (): number => take(4).readUInt32LE(0);
  const version = readU32();
  if (version !== GRAPH_CACHE_VERSION) throw new (version < GRAPH_CACHE_VERSION ? CacheOutdated : CacheDamaged)(`format version ${version}, expected ${GRAPH_CACHE_VERSION}`);
  const header = JSON.parse(take(readU32()).toString('utf8')) as CacheIdentity & { sequence: number; fingerprint?: string };
  const columns: Record<string, unknown> = { sequence: header.sequence };
  for (const name of NUMBER_COLUMNS) {
    const n = readU32();
    const bytes = take(n * 8);
    const column = new Float64Array(n);
    Buffer.from(column.buffer).set(bytes);
    columns[name] = column;
  }
  const texts = TEXT_COLUMNS.map((name) => [name, take(readU32())] as const);
  const graphLength = readU32();
  const graph = graphLength === 0 ? undefined : take(graphLength);
  if (at !== body.length) throw new CacheDamaged('trailing bytes');
  for (const [name, text] of texts) {
    if (text.length < 2 || text[0] !== 0x5b || text[text.length - 1] !== 0x5d) throw new CacheDamaged(`column ${name} is not a list`);
    const rowCount = (columns[name.startsWith('vp') ? 'vpId' : 'doRowid'] as Float64Array).length;
    let parsed: unknown[] | undefined;
    Object.defineProperty(columns, name, {
      enumerable: true,
      get: (): unknown[] => {
        if (parsed !== undefined) return parsed;
        // Parsed on first use; a column that does not parse or fit is a damaged file, found late.
        let list: unknown;
        try {
          list = JSON.parse(text.toString('utf8'));
        } catch (error) {
          throw new CacheDamaged(`column ${name}: ${(error as Error).message}`);
        }
        if (!Array.isArray(list) || list.length !== rowCount) throw new CacheDamaged('columns of different lengths');
        return (parsed = list);
      },
    });
  }
  const rows = columns as unknown as CachedRows;
  if (rows.vpNarSize.length !== rows.vpId.length || rows.vpRegTime.length !== rows.vpId.length
    || rows.refReferrer.length !== rows.refRowid.length || rows.refReference.length !== rows.refRowid.length || rows.doDrv.length !== rows.doRowid.length) {
    throw new CacheDamaged('columns of different lengths');
  }
  return { identity: { stateDir: header.stateDir, dbDev: header.dbDev, dbIno: header.dbIno }, rows, ...(graph === undefined ? {} : { graph }), ...(typeof header.fingerprint === 'string' ? { fingerprint: header.fingerprint } : {}) };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}
