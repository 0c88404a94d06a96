/**
 * The incremental roots index: one SQLite file (better-sqlite3) that caches, per scanned
 * directory, its identity and timestamps and its listing, plus the outside links reached
 * through indirect roots. It is a cache: deleting it costs one full scan; a damaged or foreign
 * file is rebuilt with a warning and never trusted. Writes are one transaction per scan.
 *
 * A listing is a base (NUL-joined blobs, the file names in a table of their own) plus a delta
 * of the names that changed since the base was written (listingDelta.ts). A directory read
 * again is compared with its base, and only the delta rows that differ are written; the base is
 * rewritten when the delta outgrows a share of it. Identity and base live in separate tables, so
 * bringing a directory's timestamps up to date never copies its file names.
 *
 * Beside a listing, the index may keep its entries' decisions (decisions.ts) for one graph: a
 * row tied to the listing by its read time, so a listing read again leaves it unused.
 *
 * A base also keeps, in columns of their own, the links whose target leaves the store (with the
 * store dir they were picked for): `index update` wants nothing else of an unchanged directory
 * but its subdirectories, so for the hundred thousand links of a Hydra tree's per-user
 * directories it reads a few bytes per directory instead of every link and target. Those come
 * last in the row: SQLite pages through a row's overflow up to the last column a query wants,
 * so the columns after them would cost reading them anyway.
 */
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { display, fsPath } from '../../store/bytes.js';
import { isInStore } from '../../store/storePath.js';
import { INVALID, misfit, translateDecisions } from './decisions.js';
import type { DecisionScope, DirDecisions } from './decisions.js';
import { PackedLinks, packListing, unpackListing } from './listing.js';
import type { CachedDir, Listing, LookupOptions, PackedListing } from './listing.js';
import { applyDelta, deltaFromBase, MAX_DELTA_SHARE, shouldCompact } from './listingDelta.js';
import type { DeltaEntry, PackedBase } from './listingDelta.js';

export const INDEX_MAGIC = 'storegc-roots-index';
export const INDEX_VERSION = 6;

const SCHEMA = `
create table if not exists meta (key text primary key, value text not null);
create table if not exists dirs (
  path blob primary key, dev text not null, ino text not null, mtime text not null, ctime text not null,
  readAt text not null, entries integer not null, dirs blob not null,
  leavingStore blob not null, leavingLinks blob not null, leavingTargets blob not null,
  links blob not null, targets blob not null
);
create table if not exists files (path blob primary key, names blob not null, count integer not null);
create table if not exists delta (
  path blob not null, name blob not null, kind text not null, target blob,
  primary key (path, name)
) without rowid;
create table if not exists outside (link blob primary key, target blob not null, result text not null);
create table if not exists decisions (
  path blob primary key, scope text not null, readAt text not null, files blob not null, links blob not null
);
`;

/** The last scan, as `index status` shows it. */
export interface ScanSummary {
  readonly startedNs: bigint;
  readonly finishedMs: number;
  readonly dirs: number;
  readonly reused: number;
  readonly read: number;
  readonly entries: number;
  readonly outside: number;
}

export interface OutsideLink {
  readonly link: string;
  readonly target: string;
  /** What the second hop was: a symlink target, or missing / not-a-link / error. */
  readonly result: string;
}

type DirRow = { dev: string; ino: string; mtime: string; ctime: string; readAt: string; entries: number; links: Buffer; targets: Buffer; dirs: Buffer };
/** A row as a lookup of the links leaving the store reads it: every link only if those do not fit. */
type LeavingRow = Omit<DirRow, 'links' | 'targets'> & { leavingStore: Buffer; leavingLinks: Buffer; leavingTargets: Buffer };
type DeltaRow = { name: Buffer; kind: string; target: Buffer | null };
type DecisionRow = { scope: string; readAt: string; files: Buffer; links: Buffer };

/** Decisions classified in one scan, to be kept with the listings they were made from. */
export interface KeptDecisions {
  readonly scope: string;
  readonly byDir: ReadonlyMap<string, DirDecisions>;
}

/** Why an index file cannot be used as it is. */
export class IndexDamaged extends Error {}

export class RootsIndex {
  private db: Database.Database | undefined;
  private readonly getDir: Database.Statement<[Buffer]>;
  private readonly getDirLeaving: Database.Statement<[Buffer]>;
  private readonly getLinks: Database.Statement<[Buffer]>;
  private readonly getFiles: Database.Statement<[Buffer]>;
  private readonly getDelta: Database.Statement<[Buffer]>;
  private readonly getBaseFiles: Database.Statement<[Buffer]>;
  private readonly getDecisions: Database.Statement<[Buffer]>;

  /** @param storeDir the store whose leaving links are kept with each base written (none: not kept). */
  private constructor(db: Database.Database, readonly file: string, private readonly storeDir: string | undefined) {
    this.db = db;
    this.getDir = db.prepare('select dev, ino, mtime, ctime, readAt, entries, links, targets, dirs from dirs where path = ?');
    this.getDirLeaving = db.prepare('select dev, ino, mtime, ctime, readAt, entries, dirs, leavingStore, leavingLinks, leavingTargets from dirs where path = ?');
    this.getLinks = db.prepare('select links, targets from dirs where path = ?');
    this.getFiles = db.prepare('select names from files where path = ?').pluck();
    this.getDelta = db.prepare('select name, kind, target from delta where path = ?');
    this.getBaseFiles = db.prepare('select names, count from files where path = ?');
    this.getDecisions = db.prepare('select scope, readAt, files, links from decisions where path = ?');
  }

  /**
   * Opens (creating it if absent) an index for `stateDir`. Throws IndexDamaged when the file is
   * not a storegc index for this state dir in this format: the caller decides whether to rebuild.
   * @param storeDir the store dir of the scans saved: their bases keep the links leaving it.
   */
  static open(file: string, stateDir: string, readonly = false, storeDir?: string): RootsIndex {
    let db: Database.Database | undefined;
    try {
      // Nothing is written to a file until it is known to be ours: a new or empty file, or one
      // whose meta table says so (a --index naming someone else's database must stay as it was).
      const fresh = !existsSync(fsPath(file)) || statSync(fsPath(file)).size === 0;
      // SQLite takes the name as UTF-8 text; a binary-string path is its bytes.
      db = new Database(display(file), { readonly, fileMustExist: readonly, timeout: 10_000 });
      if (fresh && !readonly) {
        db.exec(SCHEMA);
        const put = db.prepare('insert into meta (key, value) values (?, ?)');
        db.transaction(() => {
          put.run('magic', INDEX_MAGIC);
          put.run('version', String(INDEX_VERSION));
          put.run('stateDir', Buffer.from(stateDir, 'latin1').toString('hex'));
        })();
      }
      const meta = fresh && readonly ? new Map<string, string>() : readMeta(db);
      if (meta.get('magic') !== INDEX_MAGIC) throw new IndexDamaged('not a storegc roots index');
      if (meta.get('version') !== String(INDEX_VERSION)) throw new IndexDamaged(`index format ${meta.get('version') ?? '?'}, expected ${INDEX_VERSION}`);
      if (meta.get('stateDir') !== Buffer.from(stateDir, 'latin1').toString('hex')) throw new IndexDamaged('index of another state directory');
      if (!readonly) {
        // WAL with synchronous=normal: a commit costs no fsync, and a crash loses at most the
        // last scan's update, never the file's integrity (a cache need not be durable).
        db.pragma('journal_mode = wal');
        db.pragma('synchronous = normal');
      }
      return new RootsIndex(db, file, storeDir);
    } catch (error) {
      db?.close();
      if (error instanceof IndexDamaged) throw error;
      // Only a file SQLite cannot make sense of is damaged; busy, locked, read-only or missing
      // files are a reason to scan in full, never to remove the file.
      const code = (error as { code?: unknown }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code === 'SQLITE_ERROR') throw new IndexDamaged((error as Error).message);
      throw error;
    }
  }

  private handle(): Database.Database {
    if (this.db === undefined) throw new Error('RootsIndex used after close()');
    return this.db;
  }

  /**
   * The cached listing of `dir` (without its files when `withFiles` is false: they are not even
   * read); a row that does not decode throws IndexDamaged. With `usable`, a listing it refuses
   * (given the cached identity and read time) is not read: undefined. With `scope`, when the
   * listing's decisions were kept for it, they come with the listing instead of its files. With
   * `leaving` (a store dir, without files), the listing holds only the links whose target leaves
   * that store.
   */
  lookup(dir: string, { withFiles = true, usable, scope, leaving }: LookupOptions = {}): CachedDir | undefined {
    const key = Buffer.from(dir, 'latin1');
    const onlyLeaving = leaving !== undefined && !withFiles;
    const row = (onlyLeaving ? this.getDirLeaving : this.getDir).get(key) as DirRow | LeavingRow | undefined;
    if (row === undefined) return undefined;
    let stamp: Pick<CachedDir, 'identity' | 'readAtNs'>;
    try {
      stamp = {
        identity: { dev: BigInt(row.dev), ino: BigInt(row.ino), mtimeNs: BigInt(row.mtime), ctimeNs: BigInt(row.ctime) },
        readAtNs: BigInt(row.readAt),
      };
    } catch {
      throw new IndexDamaged(`damaged identity of '${dir}'`);
    }
    if (!Number.isInteger(row.entries)) throw new IndexDamaged(`damaged listing of '${dir}'`);
    if (usable !== undefined && !usable(stamp)) return undefined;
    const decided = scope === undefined || !withFiles ? undefined : this.decided(dir, key, row as DirRow, scope);
    if (decided !== undefined) return { ...stamp, ...decided, entries: row.entries };
    const base = this.base(dir, key, row, withFiles, leaving);
    const listing = applyDelta(base, this.delta(dir, key), withFiles, leaving);
    if (withFiles && leaving === undefined && row.entries !== listing.files.length + listing.links.length) throw new IndexDamaged(`damaged listing of '${dir}'`);
    return { ...stamp, listing, entries: row.entries };
  }

  /**
   * The listing without its files, and the decisions that stand for them, if they were kept for
   * this listing (same read time) in `scope`; decisions that do not fit it throw IndexDamaged.
   */
  private decided(dir: string, key: Buffer, row: DirRow, scope: DecisionScope): Pick<CachedDir, 'listing' | 'decisions' | 'translated'> | undefined {
    const kept = this.getDecisions.get(key) as DecisionRow | undefined;
    if (kept === undefined || kept.readAt !== row.readAt) return undefined;
    const { previous } = scope;
    const from = kept.scope === scope.key ? scope : previous !== undefined && kept.scope === previous.key ? { ...scope, pathCount: previous.pathCount } : undefined;
    if (from === undefined) return undefined;
    if (!Buffer.isBuffer(kept.files) || !Buffer.isBuffer(kept.links) || kept.files.length % 4 !== 0 || kept.links.length % 4 !== 0) {
      throw new IndexDamaged(`damaged decisions of '${dir}'`);
    }
    const decisions: DirDecisions = { files: int32s(kept.files), links: int32s(kept.links) };
    // Without a delta and without names wanted, the links stay packed but those a decision does not settle.
    const packed = scope.names === true || this.delta(dir, key).size > 0 ? undefined : this.packedLinks(dir, key, row, scope.storeDir);
    const listing = packed === undefined ? applyDelta(this.base(dir, key, row, false, undefined), this.delta(dir, key), false) : packed.listing;
    const links = packed?.links ?? listing.links;
    const why = misfit(decisions, row.entries - links.length, links, from);
    if (why !== undefined) throw new IndexDamaged(`damaged decisions of '${dir}' (${why})`);
    // The names, when asked for or when files named after paths not valid are classified again by name.
    const named = (): Listing => {
      const withNames = applyDelta(this.base(dir, key, row, true, undefined), this.delta(dir, key), true);
      if (withNames.files.length !== decisions.files.length) throw new IndexDamaged(`damaged listing of '${dir}'`);
      return withNames;
    };
    // Links the decisions do not settle (OUTSIDE, INVALID) are read by name and target; the others stand in by index.
    const settled = (codes: Int32Array): Listing => (packed === undefined ? listing : { ...listing, links: packed.links.sparse((i) => codes[i]! < 0) });
    if (from === scope) return { listing: scope.names === true ? named() : settled(decisions.links), decisions };
    const t = translateDecisions(decisions, previous!);
    const withLinks = settled(t.decisions.links);
    const withFiles = scope.names === true ? named() : t.recheckFiles ? this.invalidNamed(dir, key, withLinks, t.decisions.files) ?? { ...named(), links: withLinks.links } : withLinks;
    return { listing: withFiles, decisions: t.decisions, translated: { recheck: t.recheckFiles || t.recheckLinks } };
  }

  /** A directory's links packed (listing.ts PackedLinks) and its listing without files or links; throws IndexDamaged. */
  private packedLinks(dir: string, key: Buffer, row: DirRow, storeDir: string): { links: PackedLinks; listing: Listing } {
    const links = ('links' in row ? row : this.getLinks.get(key)) as Pick<PackedListing, 'links' | 'targets'>;
    if (!Buffer.isBuffer(links.links) || !Buffer.isBuffer(links.targets) || !Buffer.isBuffer(row.dirs)) throw new IndexDamaged(`damaged listing of '${dir}'`);
    const packed = PackedLinks.of(links.links, links.targets, storeDir);
    const base = unpackListing({ links: Buffer.alloc(0), targets: Buffer.alloc(0), dirs: row.dirs });
    if (packed === null || base === null) throw new IndexDamaged(`damaged listing of '${dir}'`);
    return { links: packed, listing: base };
  }

  /**
   * The listing with the names of the files decided INVALID only (those classified again by
   * name), the others '': a Hydra directory's 800k names are not all made strings to recheck a
   * few (at 560k, 45 MB of them and 0.1 s to split). Undefined when the listing has a delta
   * since its base (rare: the caller names them all).
   */
  private invalidNamed(dir: string, key: Buffer, listing: Listing, codes: Int32Array): Listing | undefined {
    if (this.delta(dir, key).size > 0) return undefined;
    const files = this.getFiles.get(key) as Buffer | undefined;
    const damaged = (): IndexDamaged => new IndexDamaged(`damaged listing of '${dir}'`);
    if (!Buffer.isBuffer(files) || (codes.length === 0 && files.length !== 0)) throw damaged();
    const names = new Array<string>(codes.length).fill('');
    let at = 0;
    for (let k = 0; k < codes.length; k++) {
      // Each name ends at a NUL, the last at the end: as many names as decisions.
      const nul = files.indexOf(0, at);
      if ((nul === -1) !== (k === codes.length - 1)) throw damaged();
      const end = nul === -1 ? files.length : nul;
      if (codes[k] === INVALID) {
        const name = files.toString('latin1', at, end);
        if (name === '' || name.includes('/')) throw damaged();
        names[k] = name;
      }
      at = end + 1;
    }
    return { ...listing, files: names };
  }

  /**
   * The base listing of a directory whose row is `row` (files only if asked for; with `leaving`,
   * only the links leaving that store: from their own columns when kept for it).
   */
  private base(dir: string, key: Buffer, row: DirRow | LeavingRow, withFiles: boolean, leaving: string | undefined): Listing {
    let files: Buffer | undefined;
    if (withFiles) {
      files = this.getFiles.get(key) as Buffer | undefined;
      if (!Buffer.isBuffer(files)) throw new IndexDamaged(`damaged listing of '${dir}'`);
    }
    let links: Pick<PackedListing, 'links' | 'targets'>;
    if ('links' in row) links = row;
    else if (leaving !== undefined && Buffer.isBuffer(row.leavingStore) && row.leavingStore.equals(Buffer.from(leaving, 'latin1'))) {
      links = { links: row.leavingLinks, targets: row.leavingTargets };
    } else links = this.getLinks.get(key) as Pick<PackedListing, 'links' | 'targets'>;
    if (!Buffer.isBuffer(links.links) || !Buffer.isBuffer(links.targets) || !Buffer.isBuffer(row.dirs)) throw new IndexDamaged(`damaged listing of '${dir}'`);
    const base = unpackListing({ files, links: links.links, targets: links.targets, dirs: row.dirs }, leaving);
    if (base === null) throw new IndexDamaged(`damaged listing of '${dir}'`);
    return base;
  }

  /** The delta rows of a directory; one that does not decode throws IndexDamaged. */
  private delta(dir: string, key: Buffer): Map<string, DeltaEntry> {
    const delta = new Map<string, DeltaEntry>();
    for (const r of this.getDelta.all(key) as DeltaRow[]) {
      const name = Buffer.isBuffer(r.name) ? r.name.toString('latin1') : '';
      const bad = name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0') || !['f', 'l', 'd', '-'].includes(r.kind)
        || (r.kind === 'l') !== Buffer.isBuffer(r.target) || (Buffer.isBuffer(r.target) && (r.target.length === 0 || r.target.includes(0)));
      if (bad) throw new IndexDamaged(`damaged listing of '${dir}'`);
      delta.set(name, r.kind === 'l' ? { kind: 'l', target: r.target!.toString('latin1') } : { kind: r.kind as 'f' | 'd' | '-' });
    }
    return delta;
  }

  /**
   * Replaces the index with one scan's outcome in a single transaction: listings read in this
   * scan are written (as a delta over their base where that is smaller, see listingDelta.ts),
   * reused ones left as they are, directories no longer met removed.
   *
   * Decisions classified in this scan are kept with their listings; those of a listing read
   * again and not classified (an `index update`, say) are dropped.
   *
   * @param maxDeltaShare when a delta is folded into a new base (tests vary it).
   */
  save(listings: ReadonlyMap<string, CachedDir>, outside: readonly OutsideLink[], summary: ScanSummary, maxDeltaShare: number = MAX_DELTA_SHARE, kept?: KeptDecisions): void {
    const db = this.handle();
    const putDir = db.prepare(`insert or replace into dirs (path, dev, ino, mtime, ctime, readAt, entries, links, targets, dirs, leavingStore, leavingLinks, leavingTargets)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const store = this.storeDir;
    // Without a store, a NUL: no store dir a lookup names can equal it.
    const storeKey = store === undefined ? Buffer.alloc(1) : Buffer.from(store, 'latin1');
    const putFiles = db.prepare('insert or replace into files (path, names, count) values (?, ?, ?)');
    const setIdentity = db.prepare('update dirs set dev = ?, ino = ?, mtime = ?, ctime = ?, readAt = ?, entries = ? where path = ?');
    const putDelta = db.prepare('insert or replace into delta (path, name, kind, target) values (?, ?, ?, ?)');
    const dropDelta = db.prepare('delete from delta where path = ? and name = ?');
    const dropDeltas = db.prepare('delete from delta where path = ?');
    const drop = db.prepare('delete from dirs where path = ?');
    const dropFiles = db.prepare('delete from files where path = ?');
    const putOutside = db.prepare('insert or replace into outside (link, target, result) values (?, ?, ?)');
    const putMeta = db.prepare('insert or replace into meta (key, value) values (?, ?)');
    const putDecisions = db.prepare('insert or replace into decisions (path, scope, readAt, files, links) values (?, ?, ?, ?, ?)');
    const dropDecisions = db.prepare('delete from decisions where path = ?');
    db.transaction(() => {
      for (const path of db.prepare('select path from dirs').pluck().all() as Buffer[]) {
        if (listings.has(path.toString('latin1'))) continue;
        drop.run(path);
        dropFiles.run(path);
        dropDeltas.run(path);
        dropDecisions.run(path);
      }
      for (const [dir, c] of listings) {
        const decided = kept?.byDir.get(dir);
        if (decided !== undefined) {
          putDecisions.run(Buffer.from(dir, 'latin1'), kept!.scope, String(c.readAtNs), bytesOf(decided.files), bytesOf(decided.links));
        } else if (c.readAtNs === summary.startedNs) {
          dropDecisions.run(Buffer.from(dir, 'latin1'));
        }
        if (c.readAtNs !== summary.startedNs) continue;
        const key = Buffer.from(dir, 'latin1');
        const id = c.identity;
        const identity = [String(id.dev), String(id.ino), String(id.mtimeNs), String(id.ctimeNs), String(c.readAtNs), c.entries] as const;
        const packed = packListing(c.listing, c.packedFiles);
        const fileCount = c.packedFiles?.count ?? c.listing.files.length;
        const was = this.previous(key);
        const limit = was === undefined || maxDeltaShare === Infinity ? Infinity : was.size * maxDeltaShare;
        const want = was === undefined ? undefined : deltaFromBase(was.base, c.listing, packed.files, limit);
        if (was === undefined || want === undefined || shouldCompact(want.size, was.size, maxDeltaShare)) {
          // The base's links leaving the store, for lookups that want only those (none kept without a store).
          const out = packListing({ files: [], links: store === undefined ? [] : c.listing.links.filter((l) => !isInStore(store, l.target)), dirs: [] });
          putDir.run(key, ...identity, packed.links, packed.targets, packed.dirs, storeKey, out.links, out.targets);
          putFiles.run(key, packed.files, fileCount);
          dropDeltas.run(key);
          continue;
        }
        setIdentity.run(...identity, key);
        for (const [name, e] of want) {
          const had = was.delta.get(name);
          if (had !== undefined && had.kind === e.kind && (e.kind !== 'l' || (had as { target: string }).target === e.target)) continue;
          putDelta.run(key, Buffer.from(name, 'latin1'), e.kind, e.kind === 'l' ? Buffer.from(e.target, 'latin1') : null);
        }
        for (const name of was.delta.keys()) if (!want.has(name)) dropDelta.run(key, Buffer.from(name, 'latin1'));
      }
      db.prepare('delete from outside').run();
      for (const o of outside) putOutside.run(Buffer.from(o.link, 'latin1'), Buffer.from(o.target, 'latin1'), o.result);
      putMeta.run('lastScan', JSON.stringify({ ...summary, startedNs: String(summary.startedNs) }));
    })();
  }

  /**
   * The stored base (file names left as their blob) and delta of a directory, for comparing a
   * fresh listing with; undefined when there is none or it does not decode (rewrite it whole).
   */
  private previous(key: Buffer): { base: PackedBase; size: number; delta: Map<string, DeltaEntry> } | undefined {
    const row = this.getDir.get(key) as DirRow | undefined;
    const files = this.getBaseFiles.get(key) as { names: Buffer; count: number } | undefined;
    if (row === undefined || files === undefined || !Buffer.isBuffer(files.names) || !Number.isInteger(files.count)) return undefined;
    const blob = files.names;
    // The shape of a NUL-joined list of names (no empty name, no '/'), checked at memchr speed.
    if (blob.length > 0 && (blob[0] === 0 || blob[blob.length - 1] === 0 || blob.includes('\0\0') || blob.includes(0x2f))) return undefined;
    const rest = unpackListing({ links: row.links, targets: row.targets, dirs: row.dirs });
    if (rest === null) return undefined;
    try {
      const delta = this.delta('', key);
      return { base: { files: blob, links: rest.links, dirs: rest.dirs }, size: files.count + rest.links.length + rest.dirs.length, delta };
    } catch (error) {
      if (error instanceof IndexDamaged) return undefined;
      throw error;
    }
  }

  /** Empties the index (for `index rebuild`, and after drift). */
  clear(): void {
    const db = this.handle();
    db.transaction(() => {
      db.prepare('delete from dirs').run();
      db.prepare('delete from files').run();
      db.prepare('delete from delta').run();
      db.prepare('delete from outside').run();
      db.prepare('delete from decisions').run();
      db.prepare("delete from meta where key in ('lastScan', 'untrusted')").run();
    })();
  }

  /** Says that listings were found to differ from the disk: the next scan trusts none of them. */
  markUntrusted(reason: string): void {
    this.handle().prepare("insert or replace into meta (key, value) values ('untrusted', ?)").run(reason);
  }

  /** Why no listing may be trusted, if `markUntrusted` said so since the last clear. */
  untrusted(): string | undefined {
    return readMeta(this.handle()).get('untrusted');
  }

  lastScan(): ScanSummary | undefined {
    const raw = readMeta(this.handle()).get('lastScan');
    if (raw === undefined) return undefined;
    const s = JSON.parse(raw) as Omit<ScanSummary, 'startedNs'> & { startedNs: string };
    return { ...s, startedNs: BigInt(s.startedNs) };
  }

  counts(): { dirs: number; entries: number; outside: number } {
    const db = this.handle();
    return {
      dirs: db.prepare('select count(*) from dirs').pluck().get() as number,
      entries: db.prepare('select coalesce(sum(entries), 0) from dirs').pluck().get() as number,
      outside: db.prepare('select count(*) from outside').pluck().get() as number,
    };
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Decisions are stored as little-endian int32s. */
function int32s(bytes: Buffer): Int32Array {
  const out = new Int32Array(bytes.length / 4);
  const view = Buffer.from(out.buffer);
  view.set(bytes);
  if (!LITTLE_ENDIAN) view.swap32();
  return out;
}

function bytesOf(a: Int32Array): Buffer {
  const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return LITTLE_ENDIAN ? bytes : Buffer.from(bytes).swap32();
}

function readMeta(db: Database.Database): Map<string, string> {
  const rows = db.prepare('select key, value from meta').raw().all() as [string, string][];
  return new Map(rows);
}
