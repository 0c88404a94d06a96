/**
 * Sections of the graph cache file (the rows, and the graph when the database changed since it
 * was written) read on a second thread while this one runs the refresh's scan of ValidPaths
 * (refresh.ts): at 1.3M paths 278 MB read and checked against 0.5-1.2 s of SQLite, which ran one
 * after the other.
 *
 * The thread opens the file itself and reads only if it is the very file the caller parsed
 * (device and inode: the cache is written to a temporary file and renamed, so a file's bytes
 * never change once it has its name). It hands back each section's bytes (moved, not copied) and
 * its CRC-32 (continued from the CRC given with it); anything else, or no thread, and `take`
 * answers undefined: the caller reads them itself.
 * As in refsPrefetch.ts, the caller's work is synchronous (inside its read transaction), so it
 * waits for this thread on shared memory (syncThread.ts), and gives up on it when it stops
 * making progress.
 */
import { SyncThread } from './syncThread.js';

/** The phase the worker reports once its answer is posted (after syncThread.ts's STARTED). */
const FINISHED = 2;

const WORKER_CODE = `
const { closeSync, fstatSync, openSync, readSync } = require('node:fs');
const { crc32 } = require('node:zlib');
let answer;
let moved = [];
try {
  const fd = openSync(workerData.path, 'r');
  try {
    const st = fstatSync(fd, { bigint: true });
    if (st.dev !== workerData.dev || st.ino !== workerData.ino) throw new Error('another file under that name');
    const bodies = [];
    const crcs = [];
    // Checks only: each section read through one reused buffer, its CRC continued chunk by chunk.
    const chunk = workerData.checkOnly ? Buffer.allocUnsafeSlow(workerData.chunkBytes) : undefined;
    for (const section of workerData.sections) {
      let crc = section.crc;
      const body = chunk === undefined ? Buffer.allocUnsafeSlow(section.length) : undefined;
      for (let at = 0; at < section.length;) {
        const into = body ?? chunk;
        const offset = body === undefined ? 0 : at;
        const n = readSync(fd, into, offset, Math.min(into.length - offset, section.length - at), section.at + at);
        if (n === 0) throw new Error('shorter than it was');
        // An empty piece's CRC is the one it continues (zlib answers 0 for a null pointer).
        if (body === undefined) crc = crc32(into.subarray(0, n), crc);
        at += n;
        beat();
      }
      crcs.push(body === undefined ? crc : body.length === 0 ? section.crc : crc32(body, section.crc));
      if (body !== undefined) bodies.push(body.buffer);
    }
    answer = { bodies, crcs };
    moved = bodies;
  } finally {
    closeSync(fd);
  }
} catch (error) {
  answer = { error: String(error && error.message || error) };
}
workerData.port.postMessage(answer, moved);
report(${FINISHED});
`;

/** Which bytes of which file (as the caller's fstat saw it). */
export interface FileSections {
  readonly path: string | Buffer;
  readonly dev: bigint;
  readonly ino: bigint;
  /** Read in this order; `crc`: the CRC-32 the section's continues (of what precedes it in its check), 0 for none. */
  readonly sections: readonly { readonly at: number; readonly length: number; readonly crc?: number }[];
  /** Only their CRCs are wanted (the caller has the file mapped): no bytes come back. */
  readonly checkOnly?: boolean;
  /** With checkOnly: bytes read at a time (tests; 4 MiB). */
  readonly chunkBytes?: number;
}

export class SectionOnThread {
  private readonly thread: SyncThread;
  private done = false;

  constructor(file: FileSections) {
    const sections = file.sections.map((s) => ({ at: s.at, length: s.length, crc: s.crc ?? 0 }));
    const data = { path: file.path, dev: file.dev, ino: file.ino, sections, checkOnly: file.checkOnly === true, chunkBytes: file.chunkBytes ?? 4 << 20 };
    this.thread = new SyncThread(WORKER_CODE, data, FINISHED);
  }

  /** Each section's bytes (none when only checked) and CRC-32, in order, or undefined (read them yourself). Once. */
  take(): { body: Buffer; crc: number }[] | undefined {
    if (this.done) return undefined;
    try {
      const message = this.thread.answer<{ bodies?: ArrayBuffer[]; crcs?: number[] }>();
      if (message?.bodies === undefined || message.crcs === undefined) return undefined;
      const { bodies, crcs } = message;
      return crcs.map((crc, i) => ({ body: bodies[i] === undefined ? Buffer.alloc(0) : Buffer.from(bodies[i]!), crc }));
    } finally {
      this.close();
    }
  }

  /** Stops the thread if it still runs; idempotent. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.thread.close();
  }
}
