/** The CLI as users meet it: exit codes and one-line errors (the built dist/ is run). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = join(__dirname, '..', '..', 'dist', 'cli', 'storegc.js');
const tmp = mkdtempSync(join(tmpdir(), 'storegc-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function storegc(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('storegc CLI', () => {
  it('exits 2 with one line for an unknown command or flag', () => {
    for (const args of [['bogus'], ['dead', '--bogus'], ['dead', '--jobs', '0'], ['dead', '--keep-outputs', 'maybe']]) {
      const r = storegc(args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('exits 2 naming the database when the state dir holds none', () => {
    const r = storegc(['dead', '--state-dir', join(tmp, 'nowhere'), '--store-dir', join(tmp, 'store')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`storegc: error: Nix database not found '${join(tmp, 'nowhere', 'db', 'db.sqlite')}'; set --state-dir or NIX_STATE_DIR to the directory that holds db/db.sqlite\n`);
  });

  it('exits 2 on a bad nix.conf value, naming the setting', () => {
    const conf = join(tmp, 'etc');
    mkdirSync(conf, { recursive: true });
    writeFileSync(join(conf, 'nix.conf'), 'keep-outputs = yes\n');
    const r = storegc(['roots'], { NIX_CONF_DIR: conf });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'keep-outputs'");
    expect(r.stderr).not.toContain('    at ');
  });

  it('exits 2 when the database is not a Nix database', () => {
    const state = join(tmp, 'state');
    mkdirSync(join(state, 'db'), { recursive: true });
    writeFileSync(join(state, 'db', 'schema'), '10');
    writeFileSync(join(state, 'db', 'db.sqlite'), '');
    const r = storegc(['dead', '--state-dir', state, '--store-dir', join(tmp, 'store')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^storegc: error: not a Nix database .*\n$/);
  });

  it('builds an executable dist/cli/storegc.js', () => {
    expect(statSync(MAIN).mode & 0o111).toBe(0o111);
  });

  it('runs the demo store', () => {
    const demo = join(__dirname, '..', '..', 'fixtures', 'demo');
    const r = storegc(['dead', '--root', demo, '--conf-dir', join(demo, 'etc', 'nix'), '--no-runtime-roots']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('/nix/store/junk-left-behind\n');
    // The unregistered partial output is in git (a directory with a file), so it is listed dead.
    expect(r.stdout).toContain('/nix/store/c3k9v1m6zq8w2n4x7y0h5j1s3d8f6g2l-partial-output\n');
    expect(r.stdout).not.toContain('python3');
  });
});
