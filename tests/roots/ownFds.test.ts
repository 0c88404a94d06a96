/**
 * storegc's own descriptors in the runtime roots scan (src/roots/ownFds.ts): what the process
 * inherited is a root, as in Nix; a store path it opens itself after it starts (the disk thread
 * reading a path's directory to measure it) is not. Before, `roots --sizes` listed
 * `/proc/<own pid>/fd/N` when the scan passed while the measure had a path open, and that
 * path's exclusive size changed from one run to the next (report --html's test failed in CI).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsFrom } from '../../src/cli/program.js';
import { findRoots } from '../../src/roots/findRoots.js';
import { StoreBuilder } from '../support/builder.js';
import { materializeStore, releaseStore } from '../support/materialize.js';
import { STOREGC_MAIN, nixEnv } from '../support/run.js';

const dirs: string[] = [];
const fds: number[] = [];
afterEach(() => {
  for (const fd of fds.splice(0)) closeSync(fd);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store(): { storeDir: string; stateDir: string; paths: string[] } {
  const root = mkdtempSync('/tmp/storegc-ownfds-');
  dirs.push(root);
  const storeDir = join(root, 'store');
  const stateDir = join(root, 'var');
  for (const d of [join(stateDir, 'gcroots'), join(stateDir, 'temproots')]) mkdirSync(d, { recursive: true });
  const paths = ['0a3kw8zkbs7b4lyb6b3j0nk4rr1c8b9i-measured', '1b9c8d7f6g5h4i3j2k1l0m9n8p7q6r5s-inherited'].map((n) => join(storeDir, n));
  for (const p of paths) mkdirSync(p, { recursive: true });
  return { storeDir, stateDir, paths };
}

const runtimeRoots = async (settings: ReturnType<typeof settingsFrom>): Promise<string[]> =>
  (await findRoots(settings, () => true)).roots.filter((r) => r.kind === 'runtime' && r.link.startsWith(`/proc/${process.pid}/fd/`)).map((r) => r.path);

describe('the runtime roots of storegc itself', () => {
  it('are the store paths it had open when it started, not those it opened since', async () => {
    const { storeDir, stateDir, paths } = store();
    const [measured, inherited] = paths as [string, string];
    fds.push(openSync(inherited, 'r'));
    const settings = settingsFrom({ storeDir, stateDir, runtimeRoots: true, index: false }, {});
    expect(settings.ownFds?.pid).toBe(process.pid);
    fds.push(openSync(measured, 'r'));
    expect(await runtimeRoots(settings)).toEqual([inherited]);
  });

  it('are read live where the start could not be read, as Nix reads them (fail closed)', async () => {
    const { storeDir, stateDir, paths } = store();
    const settings = { ...settingsFrom({ storeDir, stateDir, runtimeRoots: true, index: false }, {}), ownFds: undefined };
    for (const p of paths) fds.push(openSync(p, 'r'));
    expect((await runtimeRoots(settings)).sort()).toEqual([...paths].sort());
  });

  it('are not read at all under --no-runtime-roots', () => {
    const { storeDir, stateDir } = store();
    expect(settingsFrom({ storeDir, stateDir, runtimeRoots: false, index: false }, {}).ownFds).toBeUndefined();
  });

  it('keep what the CLI inherited: `storegc roots 3< STORE/path/file` lists /proc/<its pid>/fd/3', () => {
    const b = new StoreBuilder(7);
    const held = b.path('held');
    b.path('other');
    const root = mkdtempSync('/tmp/storegc-ownfds-cli-');
    dirs.push(root);
    const layout = materializeStore(b.build(), root);
    try {
      const fd = openSync(join(layout.storeDir, held, 'bin', 'run'), 'r');
      fds.push(fd);
      const run = spawnSync(process.execPath, [STOREGC_MAIN, 'roots', '--no-index'], { cwd: root, env: nixEnv(root), stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      // This test's process holds the file too: its own line is there as well.
      const lines = run.stdout.split('\n').filter((l) => l.startsWith(`/proc/${run.pid}/`));
      expect(lines).toEqual([`/proc/${run.pid}/fd/3 -> ${layout.storeDir}/${held}`]);
    } finally {
      releaseStore(root);
    }
  });
});
