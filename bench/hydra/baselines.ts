/**
 * The methods storegc is compared with, each its own process: the lower bounds (GNU find
 * listing every entry with its link target; the sqlite3 shell reading the two tables `dead`
 * needs), two JavaScript scanners (naive sync walk, fast-glob) and Nix 2.8 itself.
 *
 * Nix's `--print-dead` gets NIX_TIMEOUT_MS and is skipped on sizes above one where it already
 * timed out; a warm-up over 60 s is its only run (see series.ts), and such a slow result is
 * reused by later runs on the same tree. Nix 2.8 deletes stale `auto/` links, junk store
 * entries and dead temproots files even in print modes; the generated tree has none, so Nix
 * leaves it as it was.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IndexContext } from './incremental.js';
import { FIND, missingRow, SQLITE } from './rows.js';
import type { Row } from './rows.js';
import { measureSeries } from './series.js';

const SCRIPTS = import.meta.dirname;
export const NAIVE = 'naive sync scan (lstat+readlink)';
export const GLOB = 'fast-glob + p-limit readlink';
export const NIX_TIMEOUT_MS = 15 * 60_000;
export const NIX_ROOTS = 'nix-store --gc --print-roots';
export const NIX_DEAD = 'nix-store --gc --print-dead';

export function measureBaselines(ctx: IndexContext): Row[] {
  const { layout, info } = ctx.tree;
  const { env, runs } = ctx;
  const size = info.size;
  const tops = [layout.gcroots, layout.profiles];
  const script = (name: string): string[] => [join(SCRIPTS, name), layout.store, ...tops];
  return [
    ...measureSeries({ method: FIND, size, baseline: 'none', runs }, { command: 'find', args: [...tops, '-printf', '%p %l\n'], env }),
    ...measureSeries(
      { method: SQLITE, size, baseline: 'none', runs },
      { command: 'sqlite3', args: [layout.db, 'select id, path, narSize from ValidPaths; select referrer, reference from Refs;'], env },
    ),
    ...measureSeries({ method: NAIVE, size, baseline: 'find', runs, fields: ['scanMs'] }, { command: process.execPath, args: script('naiveScan.js'), env }),
    ...measureSeries({ method: GLOB, size, baseline: 'find', runs, fields: ['scanMs'] }, { command: process.execPath, args: script('globScan.js'), env }),
  ];
}

/**
 * Nix's print-dead when it is slow (one run over 60 s, or a timeout) is kept beside the tree and
 * reused by later runs on the same (size, seed): the tree and Nix are the same, and a rerun would
 * cost up to NIX_TIMEOUT_MS each time. Delete the file to measure again.
 */
export function nixDead(ctx: IndexContext): Row[] {
  const size = ctx.tree.info.size;
  const saved = join(ctx.tree.layout.scratch, 'nix-print-dead.json');
  if (existsSync(saved)) {
    const row = JSON.parse(readFileSync(saved, 'utf8')) as Row;
    process.stderr.write(`  ${NIX_DEAD} ... ${row.status}, from an earlier run\n`);
    return [{ ...row, note: `${row.note}; from an earlier run on this tree`.replace(/^; /, '') }];
  }
  const rows = measureSeries(
    { method: NIX_DEAD, size, baseline: 'find+sqlite3', runs: ctx.runs },
    { command: 'nix-store', args: ['--gc', '--print-dead'], env: ctx.env, timeoutMs: NIX_TIMEOUT_MS },
  );
  const row = rows[0];
  if (row !== undefined && (row.status === 'timeout' || (row.status === 'ok' && row.samples.length === 1))) writeFileSync(saved, `${JSON.stringify(row)}\n`);
  return rows;
}

export function measureNix(ctx: IndexContext, skipNix: boolean, deadTimedOutAt: number | null): Row[] {
  const size = ctx.tree.info.size;
  if (skipNix) {
    return [missingRow(NIX_ROOTS, size, 'find', 'skipped', '--skip-nix'), missingRow(NIX_DEAD, size, 'find+sqlite3', 'skipped', '--skip-nix')];
  }
  const roots = measureSeries({ method: NIX_ROOTS, size, baseline: 'find', runs: ctx.runs }, { command: 'nix-store', args: ['--gc', '--print-roots'], env: ctx.env });
  const dead = deadTimedOutAt !== null && deadTimedOutAt < size
    ? [missingRow(NIX_DEAD, size, 'find+sqlite3', 'skipped', `timed out at ${deadTimedOutAt} roots already`)]
    : nixDead(ctx);
  return [...roots, ...dead];
}
