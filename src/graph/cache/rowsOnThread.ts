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
 * waits on shared memory and takes the answer with receiveMessageOnPort. The worker's code is a
 * string evaluated in the thread: it runs the same from the sources (tests) as from dist.
 */
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';

const STARTED = 1;
const FINISHED = 2;
/** How long a thread may take to start running at all before it is given up on. */
const START_TIMEOUT_MS = 10_000;

const WORKER_CODE = `
const { workerData } = require('node:worker_threads');
const { closeSync, fstatSync, openSync, readSync } = require('node:fs');
const { crc32 } = require('node:zlib');
const phase = new Int32Array(workerData.phase);
const report = (p) => { Atomics.store(phase, 0, p); Atomics.notify(phase, 0); };
report(${STARTED});
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
  private readonly phase = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private done = false;

  constructor(file: FileSections) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const sections = file.sections.map((s) => ({ at: s.at, length: s.length, crc: s.crc ?? 0 }));
    const workerData = { phase: this.phase.buffer, port: port2, path: file.path, dev: file.dev, ino: file.ino, sections, checkOnly: file.checkOnly === true, chunkBytes: file.chunkBytes ?? 4 << 20 };
    this.worker = new Worker(WORKER_CODE, { eval: true, workerData, transferList: [port2] });
    this.worker.unref();
  }

  /** Each section's bytes (none when only checked) and CRC-32, in order, or undefined (read them yourself). Once. */
  take(): { body: Buffer; crc: number }[] | undefined {
    if (this.done) return undefined;
    try {
      if (!this.waitFor(STARTED, START_TIMEOUT_MS)) return undefined;
      this.waitFor(FINISHED);
      const message = receiveMessageOnPort(this.port)?.message as { bodies?: ArrayBuffer[]; crcs?: number[] } | undefined;
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
    this.port.close();
    if (Atomics.load(this.phase, 0) !== FINISHED) void this.worker.terminate();
  }

  /** Blocks until the worker reached `phase`; false when `timeoutMs` passed first. */
  private waitFor(phase: number, timeoutMs = Infinity): boolean {
    const until = Date.now() + timeoutMs;
    for (let now = Atomics.load(this.phase, 0); now < phase; now = Atomics.load(this.phase, 0)) {
      const left = until - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.phase, 0, now, Math.min(left, 1000));
    }
    return true;
  }
}
