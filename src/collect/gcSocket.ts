/**
 * The gc socket (reference §5.3-5.6): while we hold gc.lock, Nix clients that want a temp root
 * connect to STATE/gc-socket/socket and write `path\n`; they go on only after reading `1`.
 * We record the hash part at once, so the next batch skips that path; if the path is already
 * committed to deletion (its rows going or gone), the answer waits until its files are gone too.
 */
import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { errnoOf } from '../errors.js';
import { fromBytes } from '../store/bytes.js';
import { hashPartOf, parseStorePath } from '../store/storePath.js';
import type { PendingDeletions } from './pending.js';

export class GcSocketServer {
  private readonly clients = new Set<Socket>();
  private server: Server | undefined;
  /** Called for each line that is not a store path (Nix logs and still acknowledges it). */
  onGarbage: (line: string) => void = () => {};

  constructor(
    private readonly stateDir: string,
    private readonly storeDir: string,
    /** Shared with the collector: hash parts of temp roots received so far. */
    readonly hashParts: Set<string>,
    /** Shared with the collector: what is being deleted right now. */
    readonly pending: PendingDeletions,
  ) {}

  get path(): string {
    return `${this.stateDir}/gc-socket/socket`;
  }

  async start(): Promise<void> {
    mkdirSync(`${this.stateDir}/gc-socket`, { recursive: true });
    try {
      unlinkSync(this.path);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw error;
    }
    const server = createServer((socket) => this.serve(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
    chmodSync(this.path, 0o666);
  }

  private serve(socket: Socket): void {
    this.clients.add(socket);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += fromBytes(chunk);
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const path = parseStorePath(this.storeDir, line);
        if (path === null) {
          this.onGarbage(line);
          socket.write('1');
          continue;
        }
        const hash = hashPartOf(this.storeDir, path);
        this.hashParts.add(hash);
        const busy = this.pending.settled(hash);
        if (busy === undefined) socket.write('1');
        else void busy.then(() => socket.write('1'));
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.clients.delete(socket));
  }

  /** Lets queued client messages in: call before every invalidation batch. */
  drain(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Stops serving; call only after the last deletion and before releasing gc.lock. Node removes
   * the socket file (Nix leaves it): a client that now fails to connect appends its temp root to
   * its own file only, which is safe because nothing more is deleted, and the next collector
   * reads those files after taking the lock. Closing before the release also guarantees that we
   * never unlink the socket of a collector that took the lock after us.
   */
  async close(): Promise<void> {
    for (const socket of this.clients) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
