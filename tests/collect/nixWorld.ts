/**
 * A relocated Nix 2.8 world for collector tests: its own store, state and config under a temp
 * dir, driven by real nix-store and by storegc through the same environment variables.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** tmpfs when there is one: creating thousands of small files on this disk costs ~1 ms each. */
export const FAST_TMP = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

export const MAIN = join(__dirname, '..', '..', 'dist', 'cli', 'storegc.js');
export const HAVE_NIX = spawnSync('nix-store', ['--version']).status === 0;
if (!HAVE_NIX) {
  // Under CI a missing oracle is a failure, not a skip.
  if (process.env.CI === 'true') throw new Error('nix-store (Debian package nix-bin) is required when CI=true');
  console.warn('nix-store not found: skipping the tests that run real Nix (apt-get install nix-bin)');
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class NixWorld {
  readonly root = mkdtempSync(join(FAST_TMP, 'storegc-world-'));
  readonly store = join(this.root, 'store');
  readonly state = join(this.root, 'var');
  readonly env: Record<string, string>;

  constructor(conf = '') {
    mkdirSync(join(this.root, 'etc'), { recursive: true });
    writeFileSync(join(this.root, 'etc', 'nix.conf'), `sandbox = false\nbuild-users-group =\n${conf}`);
    this.env = {
      ...(process.env as Record<string, string>),
      NIX_STORE_DIR: this.store,
      NIX_STATE_DIR: this.state,
      NIX_LOG_DIR: join(this.root, 'log'),
      NIX_CONF_DIR: join(this.root, 'etc'),
    };
    this.nix(['--init']);
  }

  nix(args: string[], input?: string): Run {
    const r = spawnSync('nix-store', args, { env: this.env, input, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  storegc(args: string[], extraEnv: Record<string, string> = {}): Run {
    const r = spawnSync(process.execPath, [MAIN, ...args], { env: { ...this.env, ...extraEnv }, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  spawn(command: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess & { output: { stdout: string; stderr: string } } {
    const child = spawn(command, args, { env: { ...this.env, ...extraEnv } }) as ChildProcess & { output: { stdout: string; stderr: string } };
    child.output = { stdout: '', stderr: '' };
    child.stdout?.on('data', (d: Buffer) => (child.output.stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (child.output.stderr += d.toString()));
    return child;
  }

  /** Registers `name` (a file with `content`) with references, hashes computed by Nix. */
  addPath(hash: string, name: string, refs: string[] = [], content = `${name}\n`): string {
    const path = join(this.store, `${hash}-${name}`);
    writeFileSync(path, `${content}${refs.join('\n')}\n`);
    const r = this.nix(['--register-validity'], `${path}\n\n${refs.length}\n${refs.map((x) => `${x}\n`).join('')}`);
    if (r.status !== 0) throw new Error(r.stderr);
    return path;
  }

  /** ValidPaths, Refs and DerivationOutputs rows by path, sorted: what a collection changes. */
  dbRows(): { valid: string[]; refs: string[]; outputs: string[] } {
    const db = new Database(join(this.state, 'db', 'db.sqlite'), { readonly: true });
    try {
      const col = (sql: string): string[] => (db.prepare(sql).pluck().all() as string[]).sort();
      return {
        valid: col('select path from ValidPaths'),
        refs: col("select a.path || ' -> ' || b.path from Refs join ValidPaths a on a.id = referrer join ValidPaths b on b.id = reference"),
        outputs: col("select v.path || '!' || d.id || ' = ' || d.path from DerivationOutputs d join ValidPaths v on v.id = d.drv"),
      };
    } finally {
      db.close();
    }
  }

  listStore(): string[] {
    return readdirSync(this.store).filter((n) => n !== '.links').sort();
  }

  dispose(): void {
    const unlock = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory() && !e.isSymbolicLink()) {
          chmodSync(join(dir, e.name), 0o755);
          unlock(join(dir, e.name));
        }
      }
    };
    try {
      unlock(this.root);
    } catch {
      // best effort: rmSync below reports what really fails
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function hashOf(n: number): string {
  return String(n).padStart(32, '0');
}

export async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}
