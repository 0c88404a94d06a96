/**
 * Deletion throughput: storegc gc against nix-store --gc (Nix 2.8) on identical stores of N
 * dead small paths, each measured in its own process, in the same run. Reports the ratio.
 *
 *   npm run bench:deletion -- [N]        (default 100000; BENCH_DIR picks the file system)
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NIX_28_SCHEMA } from '../tests/support/nixDb.js';

const N = Number(process.argv[2] ?? 100_000);
const BASE = process.env.BENCH_DIR ?? (statfsSync('/dev/shm', { bigint: false }) ? '/dev/shm' : tmpdir());
const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
const HASH = '0123456789abcdfghijklmnpqrsvwxyz';

function hashPart(i: number): string {
  let out = '';
  let x = i * 2654435761 + 12345;
  for (let k = 0; k < 32; k++) {
    out += HASH[Math.abs(x) % 32];
    x = Math.imul(x ^ (x >>> 13), 1274126177) + k;
  }
  return out;
}

/** N dead paths in chains of 10 (each refers to the previous one), plus one rooted path. */
function buildStore(root: string): Record<string, string> {
  const store = join(root, 'store');
  const state = join(root, 'var');
  for (const dir of [store, join(state, 'db'), join(state, 'gcroots'), join(state, 'temproots'), join(root, 'etc')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(root, 'etc', 'nix.conf'), 'sandbox = false\nbuild-users-group =\n');
  writeFileSync(join(state, 'db', 'schema'), '10');
  const db = new Database(join(state, 'db', 'db.sqlite'));
  db.pragma('journal_mode = wal');
  db.exec(NIX_28_SCHEMA);
  const insert = db.prepare('insert into ValidPaths (id, path, hash, registrationTime, narSize) values (?, ?, ?, ?, ?)');
  const ref = db.prepare('insert into Refs (referrer, reference) values (?, ?)');
  db.transaction(() => {
    for (let i = 0; i <= N; i++) {
      const path = join(store, `${hashPart(i)}-p${i}`);
      writeFileSync(path, `path ${i}\n`);
      insert.run(i + 1, path, `sha256:${'1'.repeat(52)}`, 1_700_000_000, 120);
      if (i % 10 !== 0) ref.run(i + 1, i);
    }
  })();
  db.close();
  spawnSync('ln', ['-s', join(store, `${hashPart(N)}-p${N}`), join(state, 'gcroots', 'keep')]);
  return { NIX_STORE_DIR: store, NIX_STATE_DIR: state, NIX_CONF_DIR: join(root, 'etc'), NIX_LOG_DIR: join(root, 'log') };
}

function measure(label: string, command: string, args: string[]): { label: string; seconds: number; summary: string; left: number } {
  const root = mkdtempSync(join(BASE, `storegc-bench-del-`));
  try {
    const env = buildStore(root);
    spawnSync('sync');
    const start = process.hrtime.bigint();
    const run = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (run.status !== 0) throw new Error(`${label} failed: ${run.stderr.slice(-500)}`);
    return { label, seconds, summary: run.stdout.trim(), left: readdirSync(env.NIX_STORE_DIR!).length };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const nix = measure('nix-store --gc (Nix 2.8)', 'nix-store', ['--gc']);
const ours = measure('storegc gc', process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), MAIN, 'gc', ...(process.env.BENCH_JSON ? ['--json'] : ['--quiet'])]);
const ratio = nix.seconds / ours.seconds;
const fs = BASE;
console.log(`Deletion of ${N} dead small paths (chains of 10), store on ${fs}`);
for (const r of [nix, ours]) console.log(`  ${r.label.padEnd(28)} ${r.seconds.toFixed(2).padStart(8)} s   ${r.summary}   (${r.left} entries left)`);
console.log(`  ratio: storegc is ${ratio.toFixed(1)}x faster (target: >= 5x) ${ratio >= 5 ? 'MET' : 'MISSED'}`);
mkdirSync(join(import.meta.dirname, '..', '..', 'bench', 'results'), { recursive: true });
writeFileSync(join(import.meta.dirname, '..', '..', 'bench', 'results', 'deletion.json'), `${JSON.stringify({ n: N, dir: fs, nix, storegc: ours, ratio }, null, 2)}\n`);
