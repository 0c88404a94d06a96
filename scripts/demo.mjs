#!/usr/bin/env node
// `npm start`: a dry-run report of the demo store in fixtures/demo (a chroot-style store whose
// logical paths are /nix/store and /nix/var/nix). Reads only; needs no /nix on the machine.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(repo, 'fixtures', 'demo');
const common = ['--root', demo, '--conf-dir', join(demo, 'etc', 'nix'), '--no-runtime-roots'];

function storegc(...args) {
  const run = spawnSync(process.execPath, [join(repo, 'dist', 'cli', 'storegc.js'), ...args, ...common], { encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    process.exit(run.status ?? 1);
  }
  return run;
}

const roots = storegc('roots');
const dead = JSON.parse(storegc('dead', '--json').stdout);
const live = JSON.parse(storegc('live', '--json').stdout);
const mib = (bytes) => (bytes / 1048576).toFixed(2);

console.log(`storegc dry run on the demo store (${demo})\n`);
console.log('GC roots:');
process.stdout.write(roots.stdout.replace(/^(?=.)/gm, '  '));
console.log(`\nLive: ${live.totals.paths} paths, ${mib(live.totals.narSize)} MiB`);
console.log(`Dead: ${dead.totals.paths} paths, ${mib(dead.totals.narSize)} MiB would be freed (narSize of registered paths)`);
for (const p of dead.paths) console.log(`  ${p.path}${p.narSize === null ? '  (not registered)' : ''}`);
const stderr = roots.stderr.split('\n').filter(Boolean);
const warnings = stderr.filter((l) => l.startsWith('storegc: warning:'));
if (warnings.length > 0) console.log(`\nWarnings:\n${warnings.map((w) => `  ${w}`).join('\n')}`);
const index = live.index;
if (index !== null) {
  const hint = index.dirsReused < index.dirs ? ' (run `npm start` again in a few seconds: unchanged ones are reused)' : '';
  console.log(`\nRoots index: ${index.file}\n  the last scan reused ${index.dirsReused} of ${index.dirs} directories${hint}`);
}
console.log('\nNothing was written but storegc\'s caches (roots index, graph cache, store listing, liveness memo). Try: node dist/cli/storegc.js dead --json --root "$PWD/fixtures/demo" --conf-dir "$PWD/fixtures/demo/etc/nix"');
