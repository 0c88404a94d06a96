/** Metrics for node_exporter's textfile collector: accepted by promtool, complete, written atomically. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { StoregcError } from '../../src/errors.js';
import { renderMetrics } from '../../src/records/metrics.js';
import { PHASES, POLICIES, ROOT_KINDS } from '../../src/records/runRecord.js';
import type { RunRecord } from '../../src/records/runRecord.js';
import { writeMetricsFile } from '../../src/records/writeAtomic.js';
import { FAST_TMP } from '../collect/nixWorld.js';

const HAVE_PROMTOOL = spawnSync('promtool', ['--version']).status === 0;
const DIST_WRITE = fileURLToPath(new URL('../../dist/records/writeAtomic.js', import.meta.url));
const DIST_CRASH = fileURLToPath(new URL('../../dist/collect/crashPoint.js', import.meta.url));

const full: RunRecord = {
  startedAt: 1_764_480_000.25,
  finishedAt: 1_764_480_012.5,
  trigger: 'timer',
  dryRun: false,
  outcome: 'success',
  targets: { ensureFree: { spec: '30%', bytes: 3n << 30n }, minFree: { spec: '10G', bytes: 10n << 30n } },
  freeBefore: 1n << 30n,
  freeAfter: 2n << 30n,
  targetMet: false,
  shortfallBytes: 1n << 30n,
  cause: 'everything left is live or kept by policy',
  phases: { roots: 0.5, graph: 1.25, delete: 9 },
  rootsByKind: { symlink: 12, indirect: 3, temp: 1 },
  deadPathsFound: 400,
  pathsDeleted: 380,
  bytesDeleted: 12_345_678_901_234n,
  generationsRemoved: [{ profile: '/nix/var/nix/profiles/system', generation: 3, link: '/nix/var/nix/profiles/system-3-link' }],
  autoRootsRemoved: [],
  keptByPolicy: { keepRecent: { paths: 20, narSize: 1000n } },
  dbBytes: 1n << 26n,
  walBytes: 4096n,
};
const failed: RunRecord = { startedAt: 1_764_480_000, trigger: 'manual', dryRun: true, outcome: 'failed', error: { code: 'io', message: 'x' }, targets: {}, phases: {}, rootsByKind: {}, deadPathsFound: 0, pathsDeleted: 0, bytesDeleted: 0n, generationsRemoved: [], autoRootsRemoved: [], keptByPolicy: {} };

/** name{labels} -> value */
function samples(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) if (line !== '' && !line.startsWith('#')) m.set(line.slice(0, line.lastIndexOf(' ')), line.slice(line.lastIndexOf(' ') + 1));
  return m;
}

describe('renderMetrics', () => {
  it.skipIf(!HAVE_PROMTOOL)('is accepted by promtool check metrics, with and without data', () => {
    for (const [run, last] of [[full, full.finishedAt], [failed, undefined]] as const) {
      const r = spawnSync('promtool', ['check', 'metrics'], { input: renderMetrics(run, last), encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('writes the values of the record, bytes exactly', () => {
    const s = samples(renderMetrics(full, full.finishedAt));
    expect(s.get('storegc_last_run_timestamp_seconds')).toBe('1764480000.25');
    expect(s.get('storegc_last_success_timestamp_seconds')).toBe('1764480012.5');
    expect(s.get('storegc_last_run_duration_seconds')).toBe('12.25');
    expect(s.get('storegc_last_run_deleted_bytes')).toBe('12345678901234');
    expect(s.get('storegc_last_run_phase_duration_seconds{phase="graph"}')).toBe('1.25');
    expect(s.get('storegc_target_met')).toBe('0');
    expect(s.get('storegc_target_shortfall_bytes')).toBe(String(1 << 30));
    expect(s.get('storegc_target_bytes{target="ensure_free"}')).toBe(String(3 * 2 ** 30));
    expect(s.get('storegc_roots{kind="indirect"}')).toBe('3');
    expect(s.get('storegc_kept_by_policy_bytes{policy="keep_recent"}')).toBe('1000');
    expect(s.get('storegc_kept_by_policy_paths{policy="keep_recent"}')).toBe('20');
    expect(s.get('storegc_kept_by_policy_paths{policy="generations"}')).toBe('0');
    expect(s.get('storegc_kept_by_policy_paths{policy="budget"}')).toBe('0');
    expect(s.get('storegc_last_run_generations_removed')).toBe('1');
    expect(s.get('storegc_database_wal_size_bytes')).toBe('4096');
  });

  it('exports every series that may appear, as 0 when the run did not produce it', () => {
    const a = samples(renderMetrics(full, full.finishedAt));
    const b = samples(renderMetrics(failed, undefined));
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    expect(b.size).toBe(16 + PHASES.length + ROOT_KINDS.length + 2 * POLICIES.length + 2);
    expect(b.get('storegc_last_run_success')).toBe('0');
    expect(b.get('storegc_last_success_timestamp_seconds')).toBe('0');
    expect(b.get('storegc_roots{kind="runtime"}')).toBe('0');
    expect(b.get('storegc_target_met')).toBe('1');
    for (const [name] of a) expect(name).toMatch(/^storegc_[a-z_]+(\{.*\})?$/);
  });
});

describe('writeMetricsFile', () => {
  const dir = mkdtempSync(join(FAST_TMP, 'storegc-metrics-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'storegc.prom');

  it('replaces the file and leaves no temporary behind', () => {
    writeMetricsFile(file, 'old\n');
    writeMetricsFile(file, 'new\n');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(readdirSync(dir)).toEqual(['storegc.prom']);
  });

  it('a crash between write and rename leaves the old file; the next write clears the leftover', () => {
    writeMetricsFile(file, 'old\n');
    expect(existsSync(DIST_WRITE)).toBe(true); // built by `npx tsc -p tsconfig.json`
    const script = `import { armCrashPoints } from ${JSON.stringify(DIST_CRASH)}; import { writeMetricsFile } from ${JSON.stringify(DIST_WRITE)}; armCrashPoints(1); writeMetricsFile(${JSON.stringify(file)}, 'new\\n');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.signal).toBe('SIGKILL');
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    const leftovers = readdirSync(dir).filter((n) => n.startsWith('.storegc.prom.tmp-'));
    expect(leftovers).toHaveLength(1);
    expect(readFileSync(join(dir, leftovers[0]!), 'utf8')).toBe('new\n');
    writeMetricsFile(file, 'newer\n');
    expect(readdirSync(dir)).toEqual(['storegc.prom']);
  });

  it('names the flag and the file when it cannot write', () => {
    const bad = join(dir, 'missing', 'x.prom');
    expect(() => writeMetricsFile(bad, 'x')).toThrow(StoregcError);
    try {
      writeMetricsFile(bad, 'x');
    } catch (e) {
      expect((e as StoregcError).line()).toMatch(/--metrics-file: cannot write \(ENOENT\).*missing\/x\.prom/);
      expect((e as StoregcError).exitCode).toBe(1);
    }
  });
});
