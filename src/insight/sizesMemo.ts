/**
 * The exclusive and closure sums of `roots --sizes` and `report` (rootSizes.ts measureSizes),
 * kept between runs. They are a pure function of the sizes job (keep graph, row targets, groups,
 * narSizes) and of the alive nodes' disk usage; at 1.3M paths and 700k roots they cost about
 * 6 s of the disk thread, while on a store that did not change since the last run they come out
 * the same. So the file keeps the sums beside a digest of every input, and is used only when
 * the inputs now digest the same: nothing is inferred from timestamps or from what changed.
 *
 * A damaged, truncated or foreign file (its own digest, magic, version or lengths wrong) is
 * ignored and replaced after measuring; writing is a temporary file renamed over the old one.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsPath } from '../store/bytes.js';
import type { Csr } from '../graph/csr.js';
import type { DiskUsage, SizeSums, SizesJob } from './rootSizes.js';

const MAGIC = Buffer.from('storegc-sizes\n\0\0', 'latin1');
const VERSION = 1;
const DIGEST = 32;
/** Magic, version, three lengths, the keep graph's digest, then all the inputs' digest. */
const HEAD = MAGIC.length + 4 * 4 + 2 * DIGEST;

/** Where the memo is, and the rank of each group's name (canonicalRows.ts). */
export interface SizesMemoRequest {
  readonly file: string;
  readonly groupRank: Int32Array;
}

const raw = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The digest of the keep graph alone: a file kept for another graph will not be used. */
export function keepGraphDigest(succ: Csr): Buffer {
  const hash = createHash('sha256');
  hash.update(raw(new Float64Array([succ.start.length, succ.list.length])));
  return hash.update(raw(succ.start)).update(raw(succ.list)).digest();
}

/**
 * The digest of everything measureSizes reads: equal digests, equal sums.
 * @param graph keepGraphDigest(job.succ)
 */
export function sizesInputKey(job: SizesJob, disk: DiskUsage, graph: Buffer): Buffer {
  const hash = createHash('sha256');
  const counts = new Float64Array([VERSION, job.nodeCount, job.groupCount, job.starts.start.length,
    job.starts.list.length, job.rowTargets.start.length, job.rowTargets.list.length, job.groupIndex.length, job.nar.length, disk.own.length, disk.shared.length]);
  hash.update(graph).update(raw(counts));
  for (const part of [job.starts.start, job.starts.list, job.rowTargets.start, job.rowTargets.list, job.groupIndex, job.nar, disk.own]) {
    hash.update(raw(part));
  }
  // Shared inodes: bytes, holder count, holders.
  const holders = disk.shared.reduce((n, inode) => n + inode.holders.length, 0);
  const shared = new Float64Array(2 * disk.shared.length + holders);
  let at = 0;
  for (const inode of disk.shared) {
    shared[at++] = inode.bytes;
    shared[at++] = inode.holders.length;
    for (const h of inode.holders) shared[at++] = h;
  }
  hash.update(raw(shared));
  return hash.digest();
}

/** The keep graph digest the file was kept for (undefined: no file, or not one of ours). */
export function memoGraphDigest(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(fsPath(file), 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(MAGIC.length + 16 + DIGEST);
    if (readSync(fd, head, 0, head.length, 0) !== head.length || !head.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    return head.subarray(MAGIC.length + 16);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The sums kept for `key`, if the file holds them intact. */
export function readSizesMemo(file: string, key: Buffer): SizeSums | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(fsPath(file));
  } catch {
    return undefined;
  }
  if (bytes.length < HEAD + DIGEST || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  let at = MAGIC.length;
  if (bytes.readUInt32LE(at) !== VERSION) return undefined;
  const lengths = [bytes.readUInt32LE(at + 4), bytes.readUInt32LE(at + 8), bytes.readUInt32LE(at + 12)] as const;
  at += 16 + DIGEST;
  if (!bytes.subarray(at, at + DIGEST).equals(key)) return undefined;
  at += DIGEST;
  if (bytes.length !== HEAD + 8 * (lengths[0] + lengths[1] + lengths[2]) + DIGEST) return undefined;
  const body = bytes.subarray(0, bytes.length - DIGEST);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(body.length))) return undefined;
  const take = (n: number): Float64Array => {
    const column = new Float64Array(n);
    raw(column).set(bytes.subarray(at, at + 8 * n));
    at += 8 * n;
    return column;
  };
  return { exclusiveRows: take(lengths[0]), exclusiveGroups: take(lengths[1]), closures: take(lengths[2]) };
}

/** Keeps `sums`, measured from inputs that digest to `key` (keep graph: `graph`), for the next run. */
export function writeSizesMemo(file: string, graph: Buffer, key: Buffer, sums: SizeSums): void {
  const head = Buffer.alloc(16);
  head.writeUInt32LE(VERSION, 0);
  head.writeUInt32LE(sums.exclusiveRows.length, 4);
  head.writeUInt32LE(sums.exclusiveGroups.length, 8);
  head.writeUInt32LE(sums.closures.length, 12);
  const parts = [MAGIC, head, graph, key, raw(sums.exclusiveRows), raw(sums.exclusiveGroups), raw(sums.closures)];
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  parts.push(hash.digest());
  mkdirSync(fsPath(dirname(file)), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(fsPath(temp), Buffer.concat(parts));
    renameSync(fsPath(temp), fsPath(file));
  } catch (error) {
    rmSync(fsPath(temp), { force: true });
    throw error;
  }
}
