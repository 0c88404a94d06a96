/**
 * Brings cached rows up to date with the database, or says why it cannot. Runs inside the
 * caller's read transaction. What Nix 2.8 does to these tables, and how each is seen:
 *
 * - registers a path: a ValidPaths row with an id above the cached sqlite_sequence
 *   (AUTOINCREMENT never reuses ids), Refs rows with that referrer, DerivationOutputs rows with
 *   that drv: read by id.
 * - invalidates a path: its ValidPaths row is gone (every id is read, with narSize), its Refs
 *   (by referrer) and DerivationOutputs (by drv) go with it by cascade: dropped from the cache.
 *   A cached Refs row whose reference is gone cannot happen (`on delete restrict`): full load.
 * - re-registers a valid path: `update ValidPaths set narSize, …` (narSize is compared for every
 *   id) and `insert or replace into Refs`: replaced rows get a rowid above the old maximum,
 *   read by rowid. SQLite hands out max(rowid) + 1, so a row inserted since the snapshot has a
 *   rowid above every cached row still there; the last cached row not gone with an invalidated
 *   path (whose rows cascade) must still be there unchanged, else full load, and rows are read
 *   from its rowid on.
 * - VACUUM may renumber Refs and DerivationOutputs rowids: the cached last row is then not at
 *   its rowid (full load), or every row kept its rowid.
 * - another database in place of this one: another inode (checked by the caller), or a
 *   sqlite_sequence below the cached one, an id at or below it that the cache lacks, or other
 *   paths at the first and last cached ids: full load.
 * Finally the row counts of Refs and DerivationOutputs must equal the database's: a guard
 * against rows deleted other than by cascade, which Nix never does. Rows updated in place are
 * not looked for: no Nix (nor Lix, nor Guix's daemon) updates a row of either table, it replaces
 * it (`insert or replace`: a new rowid), and reading every row to sum its columns cost more than
 * the rest of the refresh (0.5 s at 5.2M Refs rows). `storegc index verify` compares the cache
 * with a full load; `gc` never uses the cache.
 */
import type { NixDbReader } from '../../store/nixDb.js';
import type { CachedRows } from './cachedRows.js';
import { MAX_RUNS, runsOf, splicedNumbers, wholeNumbers } from './rowPieces.js';
import type { NumberPieces, RowPieces } from './rowPieces.js';
import type { ValidPathRow } from '../../store/nixDb.js';
import { TextColumn } from './textColumn.js';
import { DbIdIndex } from '../dbIdIndex.js';

/** Detections that tests may switch off, to show the property test notices. Production: none. */
export interface RefreshOptions {
  readonly skipNarSizeCheck?: boolean;
  readonly skipLastRowCheck?: boolean;
}

/** The rows written since the cached ones, besides the invalidated ids. */
export interface RowsSince {
  /** ValidPaths rows registered since, by id. */
  readonly added: readonly ValidPathRow[];
  /** Kept ValidPaths ids whose narSize changed, with the new one (NaN for null). */
  readonly narSizes: ReadonlyMap<number, number>;
  /** Refs rows [rowid, referrer, reference] inserted or replaced since, by rowid. */
  readonly refs: readonly (readonly [number, number, number])[];
  /** DerivationOutputs rows [rowid, drv, name, path] inserted or replaced since. */
  readonly outputs: readonly (readonly [number, number, string, string])[];
}

export type Refreshed =
  | {
    /** The cached rows themselves when nothing changed; else the new rows as pieces, mostly of the cached ones (rowPieces.ts). */
    readonly kind: 'current'; readonly rows: CachedRows | RowPieces; readonly added: number; readonly deleted: number; readonly changed: boolean;
    /** The ValidPaths ids invalidated since the cached rows; paths registered since have ids above `cached.sequence`. */
    readonly deletedIds: ReadonlySet<number>;
    /** What was written since, row by row (src/graph/patchGraph.ts applies it to a stored graph). */
    readonly since: RowsSince;
  }
  | { readonly kind: 'full'; readonly reason: string };

/**
 * @param samePath whether the cached row `k` names the path the database now gives for its
 *   id (the cache answers from its stored graph); by default compares with the cached paths
 *   column, and without one (rows stored with their graph) the refresh cannot check: full load.
 * @param scanned `db.validPathIdsAndSizes()` when the caller made it already in this transaction
 *   (while the cached rows were read on another thread).
 */
export function refreshRows(db: NixDbReader, cached: CachedRows, options: RefreshOptions = {}, samePath?: (k: number, path: string | undefined) => boolean, scanned?: ReturnType<NixDbReader['validPathIdsAndSizes']>): Refreshed {
  const full = (reason: string): Refreshed => ({ kind: 'full', reason });
  const paths = cached.vpPath;
  const sameCachedPath = samePath ?? (paths === undefined ? undefined : (k: number, path: string | undefined): boolean => path === paths.at(k));
  if (sameCachedPath === undefined) return full('the cached rows\' paths are in a graph that was not read');
  const sequence = db.validPathsSequence();
  if (sequence === undefined || cached.sequence < 0) return full('ValidPaths ids are not AUTOINCREMENT: they may be reused');
  if (sequence < cached.sequence) return full('the database\'s path counter went back (another database?)');
  const watermark = cached.sequence;

  // ValidPaths: every id and narSize, merged with the cache (both by id).
  const now = scanned ?? db.validPathIdsAndSizes();
  const n = cached.vpId.length;
  const keep = new Uint8Array(n);
  // Kept rows whose narSize changed: row -> the new one.
  const narSizeAt = new Map<number, number>();
  const deleted = new Set<number>();
  const narSizes = new Map<number, number>();
  let i = 0;
  let j = 0;
  let changed = false;
  for (; j < now.ids.length && now.ids[j]! <= watermark; j++) {
    const id = now.ids[j]!;
    while (i < n && cached.vpId[i]! < id) deleted.add(cached.vpId[i++]!);
    if (i >= n || cached.vpId[i] !== id) return full(`path id ${id} is not in the cache but not newer than it`);
    keep[i] = 1;
    const size = now.narSizes[j] ?? Number.NaN;
    if (!options.skipNarSizeCheck && !Object.is(size, cached.vpNarSize[i])) {
      narSizeAt.set(i, size);
      narSizes.set(id, size);
      changed = true;
    }
    i++;
  }
  while (i < n) deleted.add(cached.vpId[i++]!);
  const added = db.validPathsAbove(watermark);
  if (added.length !== now.ids.length - j) return full('ValidPaths changed while read');
  // Paths never change under an id: the first and last kept ones must still be the same.
  const kept = keep.indexOf(1);
  for (const k of kept === -1 ? [] : [kept, keep.lastIndexOf(1)]) {
    if (!sameCachedPath(k, db.pathOfId(cached.vpId[k]!))) return full(`path id ${cached.vpId[k]} names another path (another database?)`);
  }

  const refs = refreshRefs(db, cached, deleted, watermark, options);
  if (typeof refs === 'string') return full(refs);
  const outs = refreshOutputs(db, cached, deleted, watermark, options);
  if (typeof outs === 'string') return full(outs);
  changed ||= deleted.size > 0 || added.length > 0 || refs.changed || outs.changed;
  const since: RowsSince = { added, narSizes, refs: refs.fresh, outputs: outs.fresh };
  if (!changed && sequence === cached.sequence) return { kind: 'current', rows: cached, added: 0, deleted: 0, changed: false, deletedIds: deleted, since };

  // The kept rows in runs, then the added ones: pieces of the cached columns, nothing copied.
  const runs = runsOf(keep);
  const rows: RowPieces = {
    sequence,
    numbers: {
      vpId: splicedNumbers(cached.vpId, runs, added.map((r) => r[0])),
      vpNarSize: splicedNumbers(cached.vpNarSize, runs, added.map((r) => r[3] ?? Number.NaN), narSizeAt),
      vpRegTime: splicedNumbers(cached.vpRegTime, runs, added.map((r) => r[4])),
      ...refs.rows,
      ...outs.rows.numbers,
    },
    texts: {
      vpPath: paths?.splicedParts(runs, added.map((r) => r[1]), MAX_RUNS),
      vpDeriver: cached.vpDeriver.splicedParts(runs, added.map((r) => r[2]), MAX_RUNS),
      ...outs.rows.texts,
    },
  };
  return { kind: 'current', rows, added: added.length, deleted: deleted.size, changed: true, deletedIds: deleted, since };
}

type RefColumns = Record<'refRowid' | 'refReferrer' | 'refReference', NumberPieces>;
interface OutputColumns {
  readonly numbers: Record<'doRowid' | 'doDrv', NumberPieces>;
  readonly texts: Record<'doName' | 'doPath', readonly Buffer[]>;
}

function refreshRefs(db: NixDbReader, cached: CachedRows, deleted: ReadonlySet<number>, watermark: number, options: RefreshOptions): { rows: RefColumns; changed: boolean; fresh: [number, number, number][] } | string {
  const n = cached.refRowid.length;
  // The last cached row that is still there: rows after it went with their invalidated referrer.
  let last = n - 1;
  if (deleted.size > 0) while (last >= 0 && deleted.has(cached.refReferrer[last]!)) last--;
  const lastRowid = last === -1 ? 0 : cached.refRowid[last]!;
  if (last !== -1 && !options.skipLastRowCheck) {
    const row = db.refAt(lastRowid);
    if (row === undefined || row[0] !== cached.refReferrer[last] || row[1] !== cached.refReference[last]) {
      return 'the last cached Refs row moved (VACUUM, or rows deleted and reused)';
    }
  }
  const fresh = db.refsChangedSince(lastRowid, watermark);
  if (fresh.length === 0 && deleted.size === 0) {
    // Nothing new, nothing invalidated: the cached rows stand if the row count agrees.
    return db.refsCount() === n
      ? { rows: { refRowid: wholeNumbers(cached.refRowid), refReferrer: wholeNumbers(cached.refReferrer), refReference: wholeNumbers(cached.refReference) }, changed: false, fresh }
      : 'Refs differ from the cache by more than Nix\'s own writes';
  }
  if (fresh.every((r) => r[1] > watermark && r[0] > lastRowid)) return appendRefs(db, cached, deleted, fresh);
  const pair = (referrer: number, reference: number): string => `${referrer} ${reference}`;
  const freshPairs = new Set(fresh.map((r) => pair(r[1], r[2])));
  const freshReferrers = new Set(fresh.map((r) => r[1]));
  const rowid = new Float64Array(n + fresh.length);
  const referrer = new Float64Array(n + fresh.length);
  const reference = new Float64Array(n + fresh.length);
  let length = 0;
  const push = (id: number, from: number, to: number): void => {
    rowid[length] = id;
    referrer[length] = from;
    reference[length++] = to;
  };
  let f = 0;
  const pushFreshBefore = (limit: number): void => {
    for (; f < fresh.length && fresh[f]![0] < limit; f++) push(fresh[f]![0], fresh[f]![1], fresh[f]![2]);
  };
  for (let k = 0; k < n; k++) {
    const from = cached.refReferrer[k]!;
    const to = cached.refReference[k]!;
    if (deleted.size > 0) {
      if (deleted.has(from)) continue;
      if (deleted.has(to)) return `a Refs row names deleted path id ${to}`;
    }
    if (freshReferrers.has(from) && freshPairs.has(pair(from, to))) continue;
    pushFreshBefore(cached.refRowid[k]!);
    if (f < fresh.length && fresh[f]![0] === cached.refRowid[k]) return 'a Refs rowid was reused';
    push(cached.refRowid[k]!, from, to);
  }
  pushFreshBefore(Number.POSITIVE_INFINITY);
  if (db.refsCount() !== length) return 'Refs differ from the cache by more than Nix\'s own writes';
  return { rows: { refRowid: wholeNumbers(rowid.subarray(0, length)), refReferrer: wholeNumbers(referrer.subarray(0, length)), refReference: wholeNumbers(reference.subarray(0, length)) }, changed: true, fresh };
}

/**
 * `refreshRefs` when every fresh row is a path registered since, with a rowid above the cached
 * ones (Nix registering paths): no cached row was replaced, so the rows are the cached ones
 * without those of invalidated paths, in runs (pieces of the cached columns: rowPieces.ts), then the fresh ones.
 */
function appendRefs(db: NixDbReader, cached: CachedRows, deleted: ReadonlySet<number>, fresh: readonly [number, number, number][]): { rows: RefColumns; changed: boolean; fresh: [number, number, number][] } | string {
  const n = cached.refRowid.length;
  // The invalidated ids, whatever they are (dbIdIndex.ts): a table by id while they are dense.
  const deletedIds = [...deleted];
  const gone = DbIdIndex.of(deletedIds, () => 0, cached.vpId.length);
  const from = cached.refReferrer;
  const to = cached.refReference;
  // Runs [k, end) of rows of kept referrers: pieces of the cached columns.
  const runs: number[] = [];
  let at = 0;
  for (let k = 0; k < n;) {
    let end = k;
    for (; end < n; end++) {
      const a = from[end]!;
      if (gone.get(a) !== -1) break;
      const b = to[end]!;
      if (gone.get(b) !== -1) return `a Refs row names deleted path id ${b}`;
    }
    if (end > k) runs.push(k, end);
    at += end - k;
    k = end + 1;
  }
  at += fresh.length;
  if (db.refsCount() !== at) return 'Refs differ from the cache by more than Nix\'s own writes';
  const kept = Uint32Array.from(runs);
  return {
    rows: {
      refRowid: splicedNumbers(cached.refRowid, kept, fresh.map((r) => r[0])),
      refReferrer: splicedNumbers(from, kept, fresh.map((r) => r[1])),
      refReference: splicedNumbers(to, kept, fresh.map((r) => r[2])),
    },
    changed: true,
    fresh: [...fresh],
  };
}

function refreshOutputs(db: NixDbReader, cached: CachedRows, deleted: ReadonlySet<number>, watermark: number, options: RefreshOptions): { rows: OutputColumns; changed: boolean; fresh: [number, number, string, string][] } | string {
  const n = cached.doRowid.length;
  // The cached row of the largest rowid that is still there (rows of invalidated derivations are gone).
  let last = -1;
  for (let k = 0; k < n; k++) if (!deleted.has(cached.doDrv[k]!) && (last === -1 || cached.doRowid[k]! > cached.doRowid[last]!)) last = k;
  const lastRowid = last === -1 ? 0 : cached.doRowid[last]!;
  if (last !== -1 && !options.skipLastRowCheck) {
    const row = db.derivationOutputAt(lastRowid);
    if (row === undefined || row[0] !== cached.doDrv[last] || row[1] !== cached.doName.at(last) || row[2] !== cached.doPath.at(last)) {
      return 'the last cached DerivationOutputs row moved (VACUUM, or rows deleted and reused)';
    }
  }
  const fresh = db.derivationOutputsChangedSince(lastRowid, watermark);
  const key = (drv: number, name: string): string => `${drv} ${name}`;
  const freshKeys = new Set(fresh.map((r) => key(r[1], r[2])));
  const freshDrvs = new Set(fresh.map((r) => r[1]));
  const freshRowids = new Set(fresh.map((r) => r[0]));
  if (fresh.length === 0 && deleted.size === 0) {
    if (db.derivationOutputsCount() !== n) return 'DerivationOutputs differ from the cache by more than Nix\'s own writes';
    return { rows: outputColumns(cached.doRowid, cached.doDrv, cached.doName, cached.doPath), changed: false, fresh };
  }
  // Kept rows stay in place; fresh rows of derivations newer than every cached one sort after
  // them, so only those are sorted (and no kept row's text is decoded). Anything else: all rows.
  const keep = new Uint8Array(n);
  let kept = 0;
  for (let k = 0; k < n; k++) {
    const drv = cached.doDrv[k]!;
    if (deleted.has(drv) || (freshDrvs.has(drv) && freshKeys.has(key(drv, cached.doName.at(k)!)))) continue;
    if (freshRowids.size > 0 && freshRowids.has(cached.doRowid[k]!)) return 'a DerivationOutputs rowid was reused';
    keep[k] = 1;
    kept++;
  }
  const byDrvAndName = (a: readonly [number, number, string, string], b: readonly [number, number, string, string]): number => a[1] - b[1] || compareCodePoints(a[2], b[2]);
  if (db.derivationOutputsCount() !== kept + fresh.length) return 'DerivationOutputs differ from the cache by more than Nix\'s own writes';
  const changed = fresh.length > 0 || kept !== n;
  if (fresh.every((r) => r[1] > watermark)) {
    const tail = [...fresh].sort(byDrvAndName);
    const keptAt = (column: Float64Array): number[] => Array.from(column).filter((_, k) => keep[k] === 1);
    return {
      rows: outputColumns(
        Float64Array.from([...keptAt(cached.doRowid), ...tail.map((r) => r[0])]),
        Float64Array.from([...keptAt(cached.doDrv), ...tail.map((r) => r[1])]),
        cached.doName.select(keep, tail.map((r) => r[2])),
        cached.doPath.select(keep, tail.map((r) => r[3])),
      ),
      changed,
      fresh,
    };
  }
  const rows: [number, number, string, string][] = [];
  for (let k = 0; k < n; k++) if (keep[k] === 1) rows.push([cached.doRowid[k]!, cached.doDrv[k]!, cached.doName.at(k)!, cached.doPath.at(k)!]);
  rows.push(...fresh);
  // The database's order: by drv, then output name (SQLite's binary collation: code points).
  rows.sort(byDrvAndName);
  return {
    rows: outputColumns(Float64Array.from(rows, (r) => r[0]), Float64Array.from(rows, (r) => r[1]), TextColumn.of(rows.map((r) => r[2])), TextColumn.of(rows.map((r) => r[3]))),
    changed,
    fresh,
  };
}

function outputColumns(doRowid: Float64Array, doDrv: Float64Array, doName: TextColumn, doPath: TextColumn): OutputColumns {
  return { numbers: { doRowid: wholeNumbers(doRowid), doDrv: wholeNumbers(doDrv) }, texts: { doName: doName.parts(), doPath: doPath.parts() } };
}

/** UTF-8 byte order of two JS strings (= code point order). */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}
