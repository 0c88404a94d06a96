/**
 * Every `gc` run is recorded: one history row per run, dry runs included, a row that says
 * 'interrupted' after a SIGKILL mid-run, and with --metrics-file a textfile promtool accepts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAVE_NIX, MAIN, NixWorld, exited, hashOf, until } from '../collect/nixWorld.js';

const worlds: NixWorld[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.dispose();
});
const HAVE_PROMTOOL = spawnSync('promtool', ['--version']).status === 0;
if (!HAVE_PROMTOOL && process.env.CI === 'true') throw new Error('promtool (Debian package prometheus) is required when CI=true');

interface HistoryJson {
  runs: { id: number; dryRun: boolean; outcome: string; pathsDeleted: number; deadPathsFound: number }[];
}

describe.runIf(HAVE_NIX)('gc run records', () => {
  it('records dry and real runs, newest first, and writes metrics promtool accepts', () => {
    const w = new NixWorld();
    worlds.push(w);
    for (let i = 0; i < 3; i++) w.addPath(hashOf(i + 1), `dead-${i}`);
    const metrics = join(w.root, 'storegc.prom');
    expect(w.storegc(['gc', '--dry-run', '--no-runtime-roots', '--metrics-file', metrics]).status).toBe(0);
    const dry = readFileSync(metrics, 'utf8');
    expect(dry).toMatch(/^storegc_last_run_dry_run 1$/m);
    expect(dry).toMatch(/^storegc_last_run_deleted_paths 3$/m);
    expect(w.storegc(['gc', '--no-runtime-roots', '--metrics-file', metrics]).status).toBe(0);
    const real = readFileSync(metrics, 'utf8');
    expect(real).toMatch(/^storegc_last_run_dry_run 0$/m);
    expect(real).toMatch(/^storegc_last_run_success 1$/m);
    expect(real).toMatch(/^storegc_last_run_deleted_paths 3$/m);
    if (HAVE_PROMTOOL) {
      const check = spawnSync('promtool', ['check', 'metrics'], { input: real, encoding: 'utf8' });
      expect(check.status, check.stdout + check.stderr).toBe(0);
    }
    const history = JSON.parse(w.storegc(['history', '--json']).stdout) as HistoryJson;
    expect(history.runs.map((r) => [r.dryRun, r.outcome, r.pathsDeleted, r.deadPathsFound])).toEqual([[false, 'success', 3, 3], [true, 'success', 3, 3]]);
    expect(w.storegc(['history']).stdout).toMatch(/^#2 .* manual: success/m);
    // A relative metrics file is refused, and nothing is recorded for it.
    expect(w.storegc(['gc', '--no-runtime-roots', '--metrics-file', 'rel.prom']).status).toBe(2);
    expect((JSON.parse(w.storegc(['history', '--json']).stdout) as HistoryJson).runs).toHaveLength(2);
  });

  it('a run killed mid-way leaves a record that says so', async () => {
    const w = new NixWorld();
    worlds.push(w);
    w.addPath(hashOf(1), 'dead');
    const hold = join(w.root, 'hold');
    writeFileSync(hold, '');
    const gc = w.spawn(process.execPath, [MAIN, 'gc', '--no-runtime-roots'], { STOREGC_TEST_HOLD: hold });
    await until(() => existsSync(`${hold}.held`), 'storegc to hold gc.lock');
    gc.kill('SIGKILL');
    await exited(gc);
    const history = JSON.parse(w.storegc(['history', '--json']).stdout) as HistoryJson;
    expect(history.runs.map((r) => r.outcome)).toEqual(['interrupted']);
    expect(w.storegc(['gc', '--no-runtime-roots']).status).toBe(0);
    expect((JSON.parse(w.storegc(['history', '--json']).stdout) as HistoryJson).runs.map((r) => r.outcome)).toEqual(['success', 'interrupted']);
  });
});
