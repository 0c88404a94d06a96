/**
 * Bytes written to standard output before the call returns, whatever stdout is (a file, a pipe,
 * a socket, a terminal; blocking or not): the caller makes its next piece in the same memory
 * (ByteChunks with a sink). Through the native helper (native/writeAll.c: a full non-blocking
 * pipe or socket is waited on with poll) where it loads; else with Node's writeSync, a full one
 * (EAGAIN) waited on a millisecond at a time. A reader that is gone (EPIPE) ends the run with 0,
 * as main.ts does for Node's own writes.
 */
import { writeSync } from 'node:fs';
import { helperBy } from '../store/native.js';
import type { By } from '../store/native.js';
import { settleWrites } from '../store/writeBehind.js';

const pause = new Int32Array(new SharedArrayBuffer(4));

/** @param by tests only: 'node' writes without the native helper. */
export function writeNow(fd: number, bytes: Uint8Array, by?: By): void {
  const helper = helperBy(by);
  try {
    if (helper !== null) helper.writeAll(fd, bytes);
    else writeInNode(fd, bytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') {
      // The reader is gone: cache files being written on a thread are still renamed into place.
      settleWrites();
      process.exit(0);
    }
    throw error;
  }
}

export function writeStdoutNow(bytes: Uint8Array): void {
  writeNow(1, bytes);
}

function writeInNode(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
