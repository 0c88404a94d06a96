/**
 * What the database files look like from outside: device, inode, size, mtime and ctime of
 * db.sqlite, and the same but ctime of its WAL. Every commit writes one of the two files (WAL
 * frames, or the database itself in rollback mode or at a checkpoint), and every write moves
 * that file's mtime (and ctime, which cannot be set back). The WAL's ctime is left out: SQLite
 * running as root fchowns the WAL each time it opens it, readers included, which moves ctime
 * without a change. So a fingerprint equal to one taken before the cache's
 * rows were read means the rows are still the database's, provided no write could have hidden
 * in the same timestamp tick as that earlier look: the files must have been quiet for the roots
 * index's margin (src/roots/index/listing.ts) before it was taken. Only then is a fingerprint
 * kept with the cache, and only then may the next run skip the refresh's queries.
 */
import { statSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { fsPath } from '../../store/bytes.js';
import { TIMESTAMP_MARGIN_NS } from '../../roots/index/listing.js';

export interface DbFingerprint {
  /** The fields of both files, as one comparable string. */
  readonly key: string;
  /** The newest mtime or ctime of the two files (ns). */
  readonly newestNs: bigint;
  /** When it was taken (wall clock, ns, the clock file timestamps use). */
  readonly takenAtNs: bigint;
}

/** Taken before the read transaction starts: a commit after it shows in the next fingerprint. */
export function fingerprintDb(dbFile: string, nowNs: bigint = BigInt(Date.now()) * 1_000_000n): DbFingerprint {
  const db = statSync(fsPath(dbFile), { bigint: true });
  const wal = statSync(fsPath(`${dbFile}-wal`), { bigint: true, throwIfNoEntry: false });
  const fields = (st: BigIntStats): string => `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
  let newestNs = db.mtimeNs > db.ctimeNs ? db.mtimeNs : db.ctimeNs;
  if (wal !== undefined && wal.mtimeNs > newestNs) newestNs = wal.mtimeNs;
  return { key: `db ${fields(db)}:${db.ctimeNs} wal ${wal === undefined ? 'none' : fields(wal)}`, newestNs, takenAtNs: nowNs };
}

/** May this fingerprint be kept, to stand for the rows read after it? Only if the files were quiet for the margin. */
export function isQuiet(fingerprint: DbFingerprint, marginNs: bigint = TIMESTAMP_MARGIN_NS): boolean {
  return fingerprint.newestNs < fingerprint.takenAtNs - marginNs;
}
