/**
 * Runs storegc and real `nix-store` on the same store and compares their stdout byte for byte.
 * Nix 2.8 mutates the store even in its print modes (junk, stale auto links, stale temproots
 * files: reference §3.3, §5.4, §9.2), so all storegc commands run first on the fresh store and
 * the store is materialized again, in the same directory and order, before each nix-store command.
 */
import { expect as globalExpect, type ExpectStatic } from 'vitest';
import { materializeStore, releaseStore, type StoreLayout } from './materialize.js';
import { runNixStoreAsync, runStoregcAsync, type RunResult } from './run.js';
import type { StoreSpec } from './spec.js';
import { parsesAsStoreBase } from './storePathSyntax.js';
import { treeDigest } from './treeDigest.js';

export interface Comparison {
  readonly layout: StoreLayout;
  readonly storegc: { readonly roots: RunResult; readonly live: RunResult; readonly dead: RunResult; readonly liveJson: RunResult; readonly deadNoIndex: RunResult };
  readonly nix: { readonly roots: RunResult; readonly live: RunResult; readonly dead: RunResult };
}

export interface CompareOptions {
  /**
   * Materialize once and keep the store for all runs (for runtime roots, whose holder processes
   * would see their cwd/exe deleted by a rebuild). The harness then checks that Nix changed nothing
   * it reads, and fails otherwise.
   */
  readonly keepStore?: boolean;
  /** Called after (each) materialization and before the runs; its return value is called afterwards. */
  readonly around?: (layout: StoreLayout) => () => void;
}

const NIX_FLAGS = { roots: '--print-roots', live: '--print-live', dead: '--print-dead' } as const;

export async function compareWithNix(spec: StoreSpec, root: string, opts: CompareOptions = {}): Promise<Comparison> {
  let layout = materializeStore(spec, root);
  let stop = opts.around?.(layout);
  try {
    // One at a time: a concurrent storegc would be another process for the /proc scan to see.
    const storegc = {
      roots: await runStoregcAsync(root, ['roots']),
      live: await runStoregcAsync(root, ['live']),
      dead: await runStoregcAsync(root, ['dead']),
      liveJson: await runStoregcAsync(root, ['live', '--json']),
      // Without the roots index the scan hands regular-file roots over packed (scanTree.ts).
      deadNoIndex: await runStoregcAsync(root, ['dead', '--no-index']),
    };
    const watched = (): string => treeDigest(root, { mtimes: false, ignore: isNixScratch });
    const pristine = opts.keepStore === true ? watched() : '';
    const nix = {} as Record<keyof typeof NIX_FLAGS, RunResult>;
    for (const key of ['roots', 'live', 'dead'] as const) {
      if (opts.keepStore !== true) {
        stop?.();
        stop = undefined;
        layout = materializeStore(spec, root);
        stop = opts.around?.(layout);
      }
      nix[key] = await runNixStoreAsync(root, ['--gc', NIX_FLAGS[key]]);
      if (opts.keepStore === true && watched() !== pristine) {
        throw new Error(`nix-store --gc ${NIX_FLAGS[key]} changed the store: this case cannot use keepStore`);
      }
    }
    return { layout, storegc, nix };
  } finally {
    stop?.();
    releaseStore(root);
  }
}

/** Files Nix creates or touches for itself on every run, which say nothing about the store it reads. */
function isNixScratch(rel: string): boolean {
  return /^var\/(db|gc\.lock|gc-socket)(\/|$)/.test(rel);
}

/**
 * Asserts identical stdout for roots, live (minus junk, which storegc reports in JSON) and dead.
 * Soft assertions: one failing test reports every mismatch of its store, not just the first.
 * Concurrent tests must pass their context's `expect`.
 */
export function expectConformance(c: Comparison, expect: ExpectStatic = globalExpect): void {
  for (const [name, r] of [...Object.entries(c.nix).map(([k, v]) => [`nix-store ${k}`, v] as const),
    ...Object.entries(c.storegc).map(([k, v]) => [`storegc ${k}`, v] as const)]) {
    expect.soft(r.status, `${name} failed:\n${r.stderr}`).toBe(0);
  }
  expectSameBytes(c.storegc.roots.stdout, c.nix.roots.stdout, 'storegc roots vs nix-store --gc --print-roots', expect);
  expectSameBytes(c.storegc.dead.stdout, c.nix.dead.stdout, 'storegc dead vs nix-store --gc --print-dead', expect);
  expectSameBytes(c.storegc.deadNoIndex.stdout, c.nix.dead.stdout, 'storegc dead --no-index vs nix-store --gc --print-dead', expect);
  const { kept, junk } = splitJunkLines(c.nix.live.stdout, c.layout.storeDir);
  expectSameBytes(c.storegc.live.stdout, kept, 'storegc live vs nix-store --gc --print-live without junk', expect);
  const json = parseJson(c.storegc.liveJson.stdout);
  expect.soft(json.junk, 'storegc live --json junk vs junk lines of nix-store --gc --print-live').toEqual(junk);
}

/** Splits Nix's --print-live output into lines that parse as store paths and junk basenames. */
export function splitJunkLines(stdout: Buffer, storeDir: string): { kept: Buffer; junk: string[] } {
  const prefix = Buffer.from(`${storeDir}/`);
  const kept: Buffer[] = [];
  const junk: string[] = [];
  for (const line of splitLines(stdout)) {
    const base = line.subarray(0, prefix.length).equals(prefix) ? line.subarray(prefix.length) : null;
    if (base !== null && !parsesAsStoreBase(base.toString('latin1'))) junk.push(base.toString('utf8'));
    else kept.push(line, Buffer.from('\n'));
  }
  return { kept: Buffer.concat(kept), junk };
}

/** Lines of `buf`, each without its trailing newline (a last unterminated line is kept too). */
export function splitLines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, start)) {
    out.push(buf.subarray(start, i));
    start = i + 1;
  }
  if (start < buf.length) out.push(buf.subarray(start));
  return out;
}

/** Byte-exact comparison; shows a text diff (then a hex diff if the text hides the difference). */
export function expectSameBytes(actual: Buffer, expected: Buffer, what: string, expect: ExpectStatic = globalExpect): void {
  if (actual.equals(expected)) return;
  const [a, e] = [actual.toString('utf8'), expected.toString('utf8')];
  if (a !== e) expect.soft(a, what).toBe(e);
  else expect.soft(actual.toString('hex'), what).toBe(expected.toString('hex'));
}

function parseJson(stdout: Buffer): { junk?: unknown } {
  try {
    return JSON.parse(stdout.toString('utf8')) as { junk?: unknown };
  } catch {
    return {};
  }
}
