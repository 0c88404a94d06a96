/** The run history: one row per run, written at start and completed at the end, bounded, kill-proof. */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { StoregcError } from '../../src/errors.js';
import { RunHistory, locateHistory } from '../../src/records/history.js';
import type { RunRecord } from '../../src/records/runRecord.js';
import { FAST_TMP } from '../collect/nixWorld.js';

const DIST_HISTORY = fileURLToPath(new URL('../../dist/records/history.js', import.meta.url));

function run(startedAt: number, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    startedAt, trigger: 'timer', dryRun: false, outcome: 'running', targets: {}, phases: {}, rootsByKind: {},
    deadPathsFound: 0, pathsDeleted: 0, bytesDeleted: 0n, generationsRemoved: [], autoRootsRemoved: [], keptByPolicy: {}, ...extra,
  };
}

describe('RunHistory', () => {
  const dir = mkdtempSync(join(FAST_TMP, 'storegc-history-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores a run at start as running and completes the same row, bigints and all', () => {
    const h = RunHistory.open(join(dir, 'a', 'storegc', 'history.sqlite'));
    const started = run(100, { targets: { ensureFree: { spec: '30%', bytes: 2n ** 63n + 5n } }, freeBefore: 7n });
    const id = h.record(started);
    expect(h.latest(5)).toEqual([{ id, pid: process.pid, interrupted: false, run: started }]);
    const done = { ...started, outcome: 'success' as const, finishedAt: 130.5, freeAfter: 2n ** 64n - 1n, bytesDeleted: 12n, generationsRemoved: [{ profile: '/p', generation: 2, link: '/p-2-link' }], keptByPolicy: { keepRecent: { paths: 1, narSize: 9n } } };
    expect(h.record(done, id)).toBe(id);
    expect(h.latest(5)).toEqual([{ id, pid: process.pid, interrupted: false, run: done }]);
    expect(h.lastSuccessAt()).toBe(130.5);
    h.close();
    h.close();
    expect(() => h.latest(1)).toThrow(/after close/);
  });

  it('lists newest first and keeps only the newest N', () => {
    const h = RunHistory.open(join(dir, 'b.sqlite'), 5);
    for (let i = 1; i <= 8; i++) h.record(run(i, { outcome: i % 3 === 0 ? 'failed' : 'success', finishedAt: i + 0.5, error: i % 3 === 0 ? { code: 'io', message: 'x' } : undefined }));
    const runs = h.latest(100);
    expect(runs.map((r) => r.run.startedAt)).toEqual([8, 7, 6, 5, 4]);
    expect(h.latest(2).map((r) => r.run.startedAt)).toEqual([8, 7]);
    expect(h.lastSuccessAt()).toBe(8.5);
    h.close();
    const again = RunHistory.open(join(dir, 'b.sqlite'), 5);
    again.record(run(9));
    expect(again.latest(100).map((r) => r.run.startedAt)).toEqual([9, 8, 7, 6, 5]);
    again.close();
  });

  it('a run killed after recording its start stays as running, marked interrupted', () => {
    expect(existsSync(DIST_HISTORY)).toBe(true); // built by `npx tsc -p tsconfig.json`
    const file = join(dir, 'killed.sqlite');
    const script = `import { RunHistory } from ${JSON.stringify(DIST_HISTORY)};
      const h = RunHistory.open(${JSON.stringify(file)});
      h.record({ startedAt: 42, trigger: 'timer', dryRun: true, outcome: 'running', targets: {}, phases: {}, rootsByKind: {}, deadPathsFound: 0, pathsDeleted: 0, bytesDeleted: 0n, generationsRemoved: [], autoRootsRemoved: [], keptByPolicy: {} });
      process.kill(process.pid, 'SIGKILL');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.signal, r.stderr).toBe('SIGKILL');
    const h = RunHistory.open(file);
    const [last] = h.latest(1);
    expect(last?.run.outcome).toBe('running');
    expect(last?.run.dryRun).toBe(true);
    expect(last?.interrupted).toBe(true);
    expect(h.lastSuccessAt()).toBeUndefined();
    h.close();
  });

  it('refuses a file that is not a history with a one-line error naming it', () => {
    const file = join(dir, 'junk.sqlite');
    writeFileSync(file, 'not a database, just text that is long enough to be noticed\n'.repeat(20));
    try {
      RunHistory.open(file);
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(StoregcError);
      expect((e as StoregcError).line()).toMatch(/cannot use the run history.*junk\.sqlite/);
    }
  });

  it('lives in STATE/storegc/history.sqlite, else in the per-user cache, as the roots index', () => {
    const state = join(dir, 'state');
    mkdirSync(state);
    expect(locateHistory({ stateDir: state, cacheHome: join(dir, 'cache') })).toBe(join(state, 'storegc', 'history.sqlite'));
    chmodSync(state, 0o555);
    try {
      const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '--input-type=module', '-e',
        `import { locateHistory } from ${JSON.stringify(DIST_HISTORY)}; console.log(locateHistory({ stateDir: ${JSON.stringify(state)}, cacheHome: '/tmp/storegc-nobody-cache' }) ?? 'none')`], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toMatch(/^\/tmp\/storegc-nobody-cache\/storegc\/history-[0-9a-f]{16}\.sqlite$/);
    } finally {
      chmodSync(state, 0o755);
    }
  });
});
