// The storegc binary, dist/cli/storegc.js: tsc's dist/cli/main.js and everything it imports
// (commander, p-limit, fast-glob included) in one ES module, so that a run loads one file instead
// of resolving, reading and linking some 90 modules: 50-90 ms of CPU on every run, about a tenth
// of a `dead` with its caches current on a 200k-path store.
//
// Left outside: better-sqlite3 (a native addon), and what the code loads through createRequire
// when it needs it (fs-ext, cli-progress). Worker threads still start from dist/ (their URLs are
// written relative to dist/<folder>/, which the bundle's directory also is), and dist/index.js
// stays the library's entry.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const outfile = 'dist/cli/storegc.js';
await build({
  entryPoints: ['dist/cli/main.js'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'fs-ext', 'cli-progress'],
  // CommonJS packages in an ES module bundle call require() for Node's own modules.
  banner: { js: "import { createRequire as storegcRequire } from 'node:module';\nconst require = storegcRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
