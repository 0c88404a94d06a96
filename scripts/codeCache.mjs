// After the bundle (scripts/bundle.mjs): the code cache of dist/cli/storegc-program.cjs
// (src/cli/codeCache.ts), made by running the program on a copy of the demo store
// (fixtures/demo) a few times, each run in a process of its own that compiles with the cache the
// run before wrote and writes it again with what it compiled: what runs without storegc's caches
// and with them, a dry-run collection, the sizes. Where a run fails, the build goes on without a
// cache (the binary compiles from source) and says so.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist', 'cli');
const { CACHE, PROGRAM, loadProgram, readCacheFile } = await import(pathToFileURL(join(cli, 'codeCache.js')).href);

if (process.argv[2] === '--step') {
  // One run: the program with the cache so far, which it then replaces.
  const out = process.argv[3];
  const program = loadProgram(join(cli, PROGRAM), readCacheFile(out));
  process.argv = [process.argv[0], join(cli, 'storegc.js'), ...process.argv.slice(4)];
  process.on('exit', () => writeFileSync(out, program.cache()));
  program.run();
} else {
  const target = join(cli, CACHE);
  rmSync(target, { force: true });
  let scratch;
  try {
    scratch = mkdtempSync(join(tmpdir(), 'storegc-code-cache-'));
    const demo = join(scratch, 'demo');
    cpSync(join(repo, 'fixtures', 'demo'), demo, { recursive: true });
    rmSync(join(demo, 'nix', 'var', 'nix', 'storegc'), { recursive: true, force: true });
    const common = ['--root', demo, '--conf-dir', join(demo, 'etc', 'nix'), '--no-runtime-roots'];
    const made = join(scratch, CACHE);
    const runs = [['dead'], ['dead'], ['live', '--json'], ['gc', '--dry-run'], ['roots', '--sizes'], ['roots']];
    const failed = runs.find((args) => {
      const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--step', made, ...args, ...common], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      if (run.status === 0) return false;
      process.stderr.write(`storegc build: no code cache (\`storegc ${args.join(' ')}\` on the demo store exited ${run.status ?? run.signal}): ${run.stderr.trim().split('\n').pop() ?? ''}\n`);
      return true;
    });
    if (failed === undefined) renameSync(made, target);
  } catch (error) {
    process.stderr.write(`storegc build: no code cache (${error.message})\n`);
  } finally {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}
