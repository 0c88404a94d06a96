/**
 * The gc socket (reference §5.3-5.6): while we hold gc.lock, Nix clients that want a temp root
 * connect to STATE/gc-socket/socket and write `path\n`; they go on only after reading `1`.
 * We record the hash part at once, so the next batch skips that path; if the path is already
 * committed to deletion (its rows going or gone), the answer waits until its files are gone too.
 */
import { chmodSync, linkSync, mkdirSync, renameSync, unlinkSync } from 'node:fs';
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
    ignoreMissing(() => unlinkSync(this.path));
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
   * Stops serving; call only after the last deletion and before releasing gc.lock. Clients
   * connecting from now on must get ECONNREFUSED, not ENOENT: a Nix client that fails to take
   * gc.lock shared retries on ECONNREFUSED (reference §5.3), while on ENOENT 2.8 silently
   * skips the socket, 2.10-2.19 fail the client's command and only 2.20+ wait and retry. Node
   * unlinks the socket file when the server closes, so a second name for it is made first and
   * renamed back afterwards: the file stays, dead, as Nix leaves it (§5.5 step 6), and since
   * this happens while we hold the lock it can never replace a later collector's socket.
   */
  async close(): Promise<void> {
    for (const socket of this.clients) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    // Only the lock holder gets here, so one fixed name is enough; a leftover from a killed run is replaced.
    const keep = `${this.path}.closing`;
    ignoreMissing(() => unlinkSync(keep));
    let kept = false;
    try {
      linkSync(this.path, keep);
      kept = true;
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw error;
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (kept) renameSync(keep, this.path);
  }
}

function ignoreMissing(op: () => void): void {
  try {
    op();
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
  }
}
