/** `why` and `roots --sizes` as users meet them, on the demo store (fixtures/demo; no Nix needed). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = join(__dirname, '..', '..', 'dist', 'cli', 'storegc.js');
const DEMO = join(__dirname, '..', '..', 'fixtures', 'demo');
const COMMON = ['--root', DEMO, '--conf-dir', join(DEMO, 'etc', 'nix'), '--no-runtime-roots', '--no-index'];
const S = '/nix/store';

function storegc(args: string[]) {
  const run = spawnSync(process.execPath, [MAIN, ...args, ...COMMON], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('storegc why', () => {
  it('writes the JSON contract of issue 10 for a live and a dead path', () => {
    const glibc = `${S}/0q4wjh4m9ih5mb6mhlj59xdjm6bg5ci9-glibc-2.37`;
    const dead = `${S}/a0v6rjxv3n2f8mw4ksd1h9c5lq7zpb3y-source.tar.gz`;
    const r = storegc(['why', '--json', glibc, dead]);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ schemaVersion: 1, command: 'why', storeDir: S });
    expect(json.paths).toEqual([
      {
        path: glibc,
        alive: true,
        chains: [{
          root: { link: '/home/alice/project/result', path: `${S}/8a4cr2y9n6wdlzq1hz3p0k5f9sbbjm7x-python3-3.11.6`, kind: 'indirect' },
          start: `${S}/8a4cr2y9n6wdlzq1hz3p0k5f9sbbjm7x-python3-3.11.6`,
          steps: [{ from: `${S}/8a4cr2y9n6wdlzq1hz3p0k5f9sbbjm7x-python3-3.11.6`, to: glibc, edge: 'reference' }],
        }],
      },
      { path: dead, alive: false, chains: [] },
    ]);
    const all = JSON.parse(storegc(['why', '--all', '--json', glibc]).stdout);
    expect(all.paths[0].chains).toHaveLength(4);
  });

  it('says what would collect a dead path, in text', () => {
    const r = storegc(['why', `${S}/a0v6rjxv3n2f8mw4ksd1h9c5lq7zpb3y-source.tar.gz/inner/file`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${S}/a0v6rjxv3n2f8mw4ksd1h9c5lq7zpb3y-source.tar.gz is dead: no root keeps it; \`storegc gc\` would delete it\n`);
  });

  it('exits 1 with one line for a path that is not in the store', () => {
    for (const path of [`${S}/00000000000000000000000000000000-nope`, '/etc/passwd']) {
      const r = storegc(['why', path]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('storegc: error:'))).toEqual([`storegc: error: not in the store '${path}'; give a store path that is registered or present in the store directory`]);
      expect(r.stderr).not.toContain('    at ');
    }
  });
});

describe('storegc roots --sizes', () => {
  it('gives each root the fields of roots --json plus the size fields, and groups', () => {
    const r = storegc(['roots', '--sizes', '--json', '--sort', 'link']);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    const plain = JSON.parse(storegc(['roots', '--json']).stdout);
    expect(json.command).toBe('roots');
    expect(json.roots.map((x: { link: string; path: string; kind: string }) => ({ link: x.link, path: x.path, kind: x.kind }))).toEqual(plain.roots);
    const fields = ['closurePaths', 'closureNarSize', 'closureDiskBytes', 'exclusivePaths', 'exclusiveNarSize', 'exclusiveDiskBytes', 'ageSeconds'];
    for (const row of [...json.roots, ...json.groups]) for (const f of fields) expect(row, f).toHaveProperty(f);
    const profile = json.groups.find((g: { name: string }) => g.name.endsWith('/profiles/per-user/alice/profile'));
    expect(profile).toMatchObject({ roots: 2, exclusivePaths: 7, closurePaths: 8 });
  });

  it('writes in text each root as roots lists it, with its numbers, then the groups', () => {
    const r = storegc(['roots', '--sizes', '--sort', 'link']);
    expect(r.status, r.stderr).toBe(0);
    const [rootTable, groupTable] = r.stdout.split('\n\n');
    const rows = rootTable!.split('\n').slice(1);
    const plain = JSON.parse(storegc(['roots', '--json']).stdout) as { roots: { link: string; path: string; kind: string }[] };
    // Sorted by link: the same rows in the same order as roots --json.
    expect(rows.map((line) => line.replace(/^(\s*[\d.]+){6}\s+\S+\s+/, ''))).toEqual(plain.roots.map((x) => `${x.link} -> ${x.path} (${x.kind})`));
    expect(groupTable!.split('\n')[0]).toMatch(/group$/);
  });

  it('sorts by exclusive size and keeps the top N', () => {
    const json = JSON.parse(storegc(['roots', '--sizes', '--json', '--top', '2']).stdout);
    expect(json.roots).toHaveLength(2);
    expect(json.roots[0].exclusiveDiskBytes).toBeGreaterThanOrEqual(json.roots[1].exclusiveDiskBytes);
  });

  it('refuses --sort and --top without --sizes (exit 2)', () => {
    const r = storegc(['roots', '--top', '3']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--sort and --top only apply to --sizes');
  });
});
