/**
 * The graph cache's checks: a CRC-32 per section against damage (a torn write, a flipped bit),
 * and a random name per written graph. A cache is storegc's own file in storegc's own directory:
 * whoever can forge it can write anything there, so a cryptographic digest buys nothing over a
 * checksum, and CRC-32 runs at 2 GB/s (node:zlib) to 6 GB/s (native/crc32.c) where SHA-256 runs at 1.5 GB/s (at 1.3M paths a refreshed
 * cache is 416 MB read and 416 MB written). The name must differ for different graphs, which a
 * 32-bit checksum cannot promise: 28 random bytes per written graph do.
 */
import { randomBytes } from 'node:crypto';
import { crc32 } from '../../store/crc32.js';

/** Bytes of each section's check field: CRC-32 (little-endian), then the graph's name. */
export const CHECK_LENGTH = 32;
const NAME_LENGTH = CHECK_LENGTH - 4;

/** CRC-32 (zlib's) of the parts in order (src/store/crc32.ts). */
export function crc32Of(parts: Iterable<Uint8Array>): number {
  let crc = 0;
  for (const part of parts) crc = crc32(part, crc);
  return crc;
}

/** A fresh name for a graph written now. */
export function newGraphName(): Buffer {
  return randomBytes(NAME_LENGTH);
}

/** The check field: the CRC of the section and the graph's name (zeros for none). */
export function checkField(crc: number, name?: Buffer): Buffer {
  const field = Buffer.alloc(CHECK_LENGTH);
  field.writeUInt32LE(crc >>> 0, 0);
  name?.copy(field, 4, 0, NAME_LENGTH);
  return field;
}

/** The CRC a check field holds. */
export function crcIn(field: Buffer): number {
  return field.readUInt32LE(0);
}

/** The graph's name a check field holds, as hex (CacheContent.key). */
export function nameIn(field: Buffer): string {
  return field.subarray(4, CHECK_LENGTH).toString('hex');
}

/** The name a key (nameIn) stands for. */
export function nameOfKey(key: string): Buffer | undefined {
  return /^[0-9a-f]+$/.test(key) && key.length === NAME_LENGTH * 2 ? Buffer.from(key, 'hex') : undefined;
}
