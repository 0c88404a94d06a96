/**
 * markLive's answer kept between runs for the read-only commands (`live`, `dead`, `why`,
 * `roots --sizes`, `report`): a memo of a pure function, as the sizes memo is
 * (src/insight/sizesMemo.ts). The state of every node is a
 * function of the graph (named by the graph cache's key, a digest of its content), the options,
 * the set of root nodes, the store entries in readdir order, the temp roots' hash parts and the
 * names of the nodes that are not valid paths (their ids). The file keeps the state beside a
 * SHA-256 of all of those, and is used only when the inputs now digest the same: nothing is
 * inferred from timestamps or from what changed. `gc` and `delete` never read it: they decide
 * afresh under the GC lock.
 *
 * A damaged, truncated or foreign file is ignored (and replaced); writing is a temporary file
 * renamed over the old one, so a reader sees one whole file or the other.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsPath } from '../store/bytes.js';
import type { LivenessInput, LivenessState } from './markLive.js';

const MAGIC = Buffer.from('storegc-liveness\n\0\0\0', 'latin1');
const VERSION = 1;
const DIGEST = 32;

/** Where the memo is, and the graph it may be used for. */
export interface LivenessMemoRequest {
  readonly file: string;
  /** The graph cache's key of the graph (its content digest). */
  readonly graphKey: string;
}

const raw = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * The digest of everything markLive reads (`requested` excepted: `delete` keeps no memo).
 * @param invalidNames the paths of the nodes from `validCount` on, in id order.
 */
export function livenessKey(graphKey: string, input: LivenessInput, roots: Int32Array, invalidNames: readonly string[]): Buffer {
  const n = input.nodes.size;
  const hash = createHash('sha256');
  hash.update(raw(new Float64Array([VERSION, n, input.nodes.validCount, input.entries.length, invalidNames.length, input.keepOutputs ? 1 : 0, input.keepDerivations ? 1 : 0])));
  hash.update(`${graphKey}\0`);
  // Roots as a set (their order varies between runs and does not matter): one byte per node.
  const isRoot = new Uint8Array(n);
  for (const r of roots) isRoot[r] = 1;
  hash.update(isRoot);
  hash.update(raw(Int32Array.from(input.entries)));
  for (const name of invalidNames) hash.update(`${name}\0`, 'latin1');
  hash.update('\0');
  for (const part of [...input.tempHashParts].sort()) hash.update(`${part}\0`, 'latin1');
  return hash.digest();
}

/** The state kept for `key` over `size` nodes, if the file holds it intact. */
export function readLivenessMemo(file: string, key: Buffer, size: number): LivenessState | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(fsPath(file));
  } catch {
    return undefined;
  }
  const head = MAGIC.length + 8;
  if (bytes.length !== head + DIGEST + size + DIGEST || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (bytes.readUInt32LE(MAGIC.length) !== VERSION || bytes.readUInt32LE(MAGIC.length + 4) !== size) return undefined;
  if (!bytes.subarray(head, head + DIGEST).equals(key)) return undefined;
  const body = bytes.subarray(0, bytes.length - DIGEST);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(body.length))) return undefined;
  return Uint8Array.from(bytes.subarray(head + DIGEST, head + DIGEST + size));
}

/** Keeps `state`, computed from inputs that digest to `key`, for the next run. */
export function writeLivenessMemo(file: string, key: Buffer, state: LivenessState): void {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(VERSION, 0);
  head.writeUInt32LE(state.length, 4);
  const parts = [MAGIC, head, key, raw(state)];
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
