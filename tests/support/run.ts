/**
 * Running real `nix-store` and the storegc CLI on a scratch store under R, with the same
 * environment: the four NIX_* directory variables, no other NIX_* variable, and user config
 * lookups pointed into R (where nothing exists) so a developer's ~/.config/nix cannot leak in.
 * Children run with cwd R, outside the store, so they are no runtime root themselves.
 * Async variants let a test file keep both cores busy with several stores at once (vitest runs
 * one worker on a 2-core machine).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { layoutOf } from './materialize.js';

export interface RunResult {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly status: number | null;
}

/** The storegc binary of this repository, dist/cli/storegc.js (built by `npm run build`: scripts/bundle.mjs). */
export const STOREGC_MAIN = fileURLToPath(new URL('../../dist/cli/storegc.js', import.meta.url));

export function nixEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NIX_')) env[k] = v;
  const l = layoutOf(root);
  return {
    ...env,
    NIX_STORE_DIR: l.storeDir,
    NIX_STATE_DIR: l.stateDir,
    NIX_LOG_DIR: l.logDir,
    NIX_CONF_DIR: l.confDir,
    XDG_CONFIG_HOME: `${root}/.no-xdg-config`,
    XDG_CONFIG_DIRS: `${root}/.no-xdg-config-dirs`,
  };
}

function run(cmd: string, args: readonly string[], root: string): RunResult {
  const r = spawnSync(cmd, args, { cwd: root, env: nixEnv(root), maxBuffer: 256 << 20 });
  if (r.error !== undefined) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr.toString('utf8'), status: r.status };
}

function runAsync(cmd: string, args: readonly string[], root: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: nixEnv(root), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), status }));
  });
}

export function runNixStore(root: string, args: readonly string[]): RunResult {
  return run('nix-store', args, root);
}

export function runNixStoreAsync(root: string, args: readonly string[]): Promise<RunResult> {
  return runAsync('nix-store', args, root);
}

/** `nix-env` (its profiles and store under R), as runNixStoreAsync runs nix-store. */
export function runNixEnvAsync(root: string, args: readonly string[]): Promise<RunResult> {
  return runAsync('nix-env', args, root);
}

export function runStoregc(root: string, args: readonly string[]): RunResult {
  return run(process.execPath, [storegcMain(), ...args], root);
}

export function runStoregcAsync(root: string, args: readonly string[]): Promise<RunResult> {
  return runAsync(process.execPath, [storegcMain(), ...args], root);
}

function storegcMain(): string {
  if (!existsSync(STOREGC_MAIN)) throw new Error(`${STOREGC_MAIN} is missing: run \`npm run build\` first`);
  return STOREGC_MAIN;
}

/** Is `nix-store` on PATH? */
export function hasNixStore(): boolean {
  const r = spawnSync('nix-store', ['--version']);
  return r.error === undefined && r.status === 0;
}
