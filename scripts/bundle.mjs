// The storegc binary: dist/cli/storegc.js, a small loader (src/cli/launch.ts), and the program
// beside it, dist/cli/storegc-program.cjs: tsc's dist/cli/main.js and everything it imports
// (commander, p-limit, fast-glob included) in one file, so that a run loads one file instead of
// resolving, reading and linking some 90 modules (50-90 ms of CPU on every run, about a tenth of
// a `dead` with its caches current on a 200k-path store). CommonJS, so that the loader can hand
// V8 the code cache made for it (scripts/codeCache.mjs, src/cli/codeCache.ts): V8 caches the
// code of a vm.Script, not of an ES module.
//
// Left outside: better-sqlite3 (a native addon), and what the code loads through createRequire
// when it needs it (fs-ext, cli-progress). Worker threads still start from dist/ (their URLs are
// written relative to dist/<folder>/, which the bundle's directory also is), and dist/index.js
// stays the library's entry.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning' };
await build({
  ...common,
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/cli/storegc-program.cjs',
  format: 'cjs',
  external: ['better-sqlite3', 'fs-ext', 'cli-progress'],
  // The modules find their workers and packages from their own URL, which is the bundle's; in
  // strict mode, as the modules were (the banner comes before esbuild's own "use strict").
  define: { 'import.meta.url': 'storegcUrl' },
  banner: { js: "'use strict';\nconst storegcUrl = require('node:url').pathToFileURL(__filename).href;" },
});
const outfile = 'dist/cli/storegc.js';
await build({ ...common, entryPoints: ['dist/cli/launch.js'], outfile, format: 'esm' });
chmodSync(outfile, 0o755);
