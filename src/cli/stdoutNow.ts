/**
 * Bytes written to standard output before the call returns, whatever stdout is (a file, a pipe,
 * a socket, a terminal; blocking or not): the caller makes its next piece in the same memory
 * (ByteChunks with a sink). A full non-blocking pipe or socket (EAGAIN) is waited on, a
 * millisecond at a time; a reader that is gone (EPIPE) ends the run with 0, as main.ts does
 * for Node's own writes.
 */
import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

export function writeStdoutNow(bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) {
    try {
      at += writeSync(1, bytes, at, bytes.length - at);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      if (code === 'EPIPE') process.exit(0);
      throw error;
    }
  }
}
