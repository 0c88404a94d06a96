/**
 * The database rows the graph is built from, as the graph cache keeps them: ValidPaths by id,
 * Refs by rowid, DerivationOutputs by derivation then output name, each with the rowids and
 * watermarks that change detection (refresh.ts) needs. Text columns are kept as SQLite returns
 * them (as UTF-8 bytes: textColumn.ts); `buildGraph` converts them as it does for rows read
 * from the database.
 */
import type { DerivationOutputRow, NixDbReader } from '../../store/nixDb.js';
import { graphValidPaths } from '../loadGraph.js';
import type { GraphRowSource } from '../loadGraph.js';
import type { RefColumns } from './refsPrefetch.js';
import { TextColumn } from './textColumn.js';
import { NUMBER_COLUMNS, TEXT_COLUMNS } from './rowPieces.js';

export interface CachedRows {
  /** sqlite_sequence for ValidPaths when read: every later path has a larger id; -1 without AUTOINCREMENT (never refreshed). */
  readonly sequence: number;
  readonly vpId: Float64Array;
  /**
   * Absent in rows read from a cache file that holds their graph: each id's path is the graph's
   * (its node with that ValidPaths id), and at 1.3M paths the column was a third of the file.
   * Such rows can only patch that graph (patchGraph.ts), never build one.
   */
  readonly vpPath?: TextColumn;
  readonly vpDeriver: TextColumn;
  /** NaN where the column is null. */
  readonly vpNarSize: Float64Array;
  readonly vpRegTime: Float64Array;
  /** Refs in rowid order; as Uint32Array when every value fits (idColumn), half the bytes. */
  readonly refRowid: IdColumn;
  readonly refReferrer: IdColumn;
  readonly refReference: IdColumn;
  readonly doRowid: Float64Array;
  readonly doDrv: Float64Array;
  readonly doName: TextColumn;
  readonly doPath: TextColumn;
}

/** Rowids and ValidPaths ids: 32 bits each when they fit (Refs is the largest table by far). */
export type IdColumn = Float64Array | Uint32Array;

/** `values` as a Uint32Array when each is an integer in [0, 2^32), else as a Float64Array. */
export function idColumn(values: ArrayLike<number>): IdColumn {
  // Already one (read on another thread): every value fits.
  if (values instanceof Uint32Array) return values;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 0xffffffff && Math.floor(v) === v)) return Float64Array.from(values);
  }
  return Uint32Array.from(values);
}

/**
 * Every row, read in full (the caller holds the snapshot until it has called `rows`), with a
 * source that hands `buildGraph` the same columns. Refs are taken last, when the build asks for them: with
 * `prefetched`, another thread reads them meanwhile, and the path table is built before they are
 * waited for.
 * @param prefetched Refs read on another thread (refsPrefetch.ts), called inside the snapshot
 *   after its first read; undefined: read here.
 */
export function readAllRows(db: NixDbReader, prefetched?: () => RefColumns | undefined): { rows: () => CachedRows; source: GraphRowSource } {
  const sequence = db.validPathsSequence() ?? -1;
  const vp = graphValidPaths(db.validPathColumns());
  const outs = db.derivationOutputsWithRowids();
  const fixed = {
    sequence,
    vpId: vp.ids,
    vpPath: vp.paths,
    vpDeriver: vp.derivers,
    vpNarSize: vp.narSize,
    vpRegTime: vp.registrationTime,
    doRowid: Float64Array.from(outs, (r) => r[0]),
    doDrv: Float64Array.from(outs, (r) => r[1]),
    doName: TextColumn.of(outs.map((r) => r[2])),
    doPath: TextColumn.of(outs.map((r) => r[3])),
  };
  let rows: CachedRows | undefined;
  const all = (): CachedRows => {
    if (rows !== undefined) return rows;
    const refs = prefetched?.() ?? db.refsWithRowids();
    rows = { ...fixed, refRowid: idColumn(refs.rowids), refReferrer: idColumn(refs.referrers), refReference: idColumn(refs.references) };
    return rows;
  };
  const source: GraphRowSource = {
    validPathColumns: () => vp,
    refChunks: () => [{ referrers: all().refReferrer, references: all().refReference }],
    *derivationOutputs(): IterableIterator<DerivationOutputRow> {
      for (const [, drv, name, path] of outs) yield [drv, name, path];
    },
    realisations: () => db.realisations(),
  };
  return { rows: all, source };
}

/** Every array of `rows` (for dropping the pages of a mapped file's rows: mapFile.ts). */
export function rowArrays(rows: CachedRows): ArrayBufferView[] {
  return [...NUMBER_COLUMNS.map((name) => rows[name]), ...TEXT_COLUMNS.flatMap((name) => {
    const raw = rows[name]?.raw;
    return raw === undefined ? [] : [raw.bytes, raw.offsets, raw.nulls];
  })];
}

/**
 * The rows as `buildGraph` reads them; Realisations (never cached) come from `db`. Undefined for
 * rows without their paths (read with their graph: they can only patch it).
 */
export function rowSource(rows: CachedRows, db: Pick<NixDbReader, 'realisations'>): GraphRowSource | undefined {
  const paths = rows.vpPath;
  if (paths === undefined) return undefined;
  return {
    validPathColumns: () => ({ ids: rows.vpId, narSize: rows.vpNarSize, registrationTime: rows.vpRegTime, paths, derivers: rows.vpDeriver }),
    refChunks: () => [{ referrers: rows.refReferrer, references: rows.refReference }],
    *derivationOutputs(): IterableIterator<DerivationOutputRow> {
      for (let i = 0; i < rows.doDrv.length; i++) yield [rows.doDrv[i]!, rows.doName.at(i)!, rows.doPath.at(i)!];
    },
    realisations: () => db.realisations(),
  };
}
