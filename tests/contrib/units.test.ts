/**
 * contrib/: the systemd units pass `systemd-analyze verify` without a warning, their store remount
 * works and stays in its own mount namespace, the NixOS module parses and renders the flags, and
 * every flag they pass is one of the issue 9 contract names.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FAST_TMP } from '../collect/nixWorld.js';

const CONTRIB = fileURLToPath(new URL('../../contrib', import.meta.url));
const SERVICE = readFileSync(join(CONTRIB, 'systemd', 'storegc.service'), 'utf8');
const TIMER = readFileSync(join(CONTRIB, 'systemd', 'storegc.timer'), 'utf8');
const WATCH = readFileSync(join(CONTRIB, 'systemd', 'storegc-watch.service'), 'utf8');
const MODULE = join(CONTRIB, 'nixos', 'storegc.nix');
const has = (cmd: string, args: string[]): boolean => spawnSync(cmd, args).status === 0;

/** The `storegc gc` flags of issue 9 and the existing ones the units may use. */
const CONTRACT = ['--interval', '--quiet', '--ensure-free', '--max-freed', '--min-free', '--keep-recent', '--order', '--delete-old', '--delete-older-than', '--keep-generations', '--profiles', '--prune-auto-roots', '--no-vacuum', '--metrics-file', '--dry-run'];

const dir = mkdtempSync(join(FAST_TMP, 'storegc-contrib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The ExecStart= value with continuation lines joined and systemd's `$$` and `%%` unescaped. */
function execStart(unit: string): string {
  const joined = unit.replace(/\\\n/g, ' ');
  const line = joined.split('\n').find((l) => l.startsWith('ExecStart='));
  return line!.slice('ExecStart='.length).replace(/\$\$/g, '$').replace(/%%/g, '%').replace(/\s+/g, ' ').trim();
}

describe.skipIf(!has('systemd-analyze', ['--version']))('contrib/systemd', () => {
  it('passes systemd-analyze verify with no warning (ExecStart pointed at a binary the test provides)', () => {
    const d = join(dir, 'units');
    mkdirSync(d);
    const fake = join(d, 'storegc');
    writeFileSync(fake, '#!/bin/sh\nexit 0\n');
    chmodSync(fake, 0o755);
    writeFileSync(join(d, 'storegc.service'), SERVICE.replace(/\/usr\/bin\/storegc/g, fake));
    writeFileSync(join(d, 'storegc.timer'), TIMER);
    writeFileSync(join(d, 'storegc-watch.service'), WATCH.replace(/\/usr\/bin\/storegc/g, fake));
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', join(d, 'storegc.service'), join(d, 'storegc.timer'), join(d, 'storegc-watch.service')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('has the timer and scheduling settings the issue asks for, and none that would hide roots', () => {
    for (const line of ['OnCalendar=', 'RandomizedDelaySec=', 'Persistent=true']) expect(TIMER).toContain(line);
    for (const line of ['Nice=19', 'IOSchedulingClass=idle', 'CPUSchedulingPolicy=batch', 'NoNewPrivileges=yes', 'PrivateMounts=yes', 'ProtectSystem=', 'ReadWritePaths=/nix/store /nix/var/nix']) expect(SERVICE).toContain(line);
    for (const hiding of [/^PrivateTmp=/m, /^ProtectHome=/m, /^ProtectProc=/m]) expect(SERVICE).not.toMatch(hiding);
  });

  it('the watch service restarts on failure, stops on SIGTERM, hides no roots, and runs watch with --min-free', () => {
    for (const line of ['Restart=on-failure', 'KillSignal=SIGTERM', 'Nice=19', 'IOSchedulingClass=idle', 'PrivateMounts=yes', 'ReadWritePaths=/nix/store /nix/var/nix']) expect(WATCH).toContain(line);
    for (const hiding of [/^PrivateTmp=/m, /^ProtectHome=/m, /^ProtectProc=/m]) expect(WATCH).not.toMatch(hiding);
    const args = execStart(WATCH).split(' ');
    expect(args.slice(args.indexOf('/usr/bin/storegc') + 1, args.indexOf('/usr/bin/storegc') + 3)).toEqual(['watch', '--quiet']);
    expect(args).toContain('--min-free');
    // Every flag it passes is one `storegc watch` takes (the built CLI's help lists them).
    const help = spawnSync(process.execPath, [join(CONTRIB, '..', 'dist', 'cli', 'storegc.js'), 'watch', '--help'], { encoding: 'utf8' }).stdout;
    for (const flag of args.filter((a) => a.startsWith('--'))) expect(help, flag).toContain(`${flag} `);
  });

  it('remounts a read-only store writable for the run only, inside its own mount namespace', () => {
    const store = join(dir, 'store');
    mkdirSync(store);
    const fake = join(dir, 'fake-storegc');
    writeFileSync(fake, `#!/bin/sh\ntouch ${store}/written && echo "$@"\n`);
    chmodSync(fake, 0o755);
    const cmd = execStart(SERVICE).replace(/\/nix\/store/g, store).replace('/usr/bin/storegc', fake);
    spawnSync('mount', ['--bind', store, store]);
    try {
      expect(spawnSync('mount', ['-o', 'remount,bind,ro', store]).status).toBe(0);
      const r = spawnSync('unshare', ['-m', '--propagation', 'slave', 'sh', '-c', `exec ${cmd}`], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split(' ')).toEqual(['gc', '--min-free', '10%', '--ensure-free', '30%', '--keep-recent', '24h', '--delete-older-than', '30d', '--keep-generations', '3', '--prune-auto-roots', '30d', '--metrics-file', '/var/lib/prometheus/node-exporter/storegc.prom']);
      expect(spawnSync('findmnt', ['-no', 'OPTIONS', store], { encoding: 'utf8' }).stdout).toMatch(/^ro,/);
    } finally {
      spawnSync('umount', [store]);
    }
  });
});

describe.skipIf(!has('nix-instantiate', ['--version']))('contrib/nixos/storegc.nix', () => {
  it('parses with nix-instantiate --parse', () => {
    const r = spawnSync('nix-instantiate', ['--parse', MODULE], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('renders the typed options as storegc gc flags (evaluated with a minimal lib)', () => {
    const lib = `rec {
      mkIf = condition: content: { _type = "if"; inherit condition content; };
      mkOption = x: x;
      optional = c: x: if c then [ x ] else [ ];
      optionals = c: xs: if c then xs else [ ];
      escapeShellArg = a: "'" + builtins.replaceStrings [ "'" ] [ "'\\\\''" ] (toString a) + "'";
      escapeShellArgs = xs: builtins.concatStringsSep " " (map escapeShellArg xs);
      types = { strMatching = r: r; nullOr = t: t; singleLineStr = "s"; str = "s"; bool = "b"; package = "p"; ints.unsigned = "u"; };
    }`;
    const cfg = `{ automatic = true; dates = "hourly"; randomizedDelaySec = "45min"; persistent = true; options = "--order lru"; package = "/pkg";
      ensureFree = "30%"; minFree = "5G"; keepRecent = "24h"; deleteOlderThan = "30d"; keepGenerations = 3; pruneAutoRoots = "14d"; metricsFile = "/m/storegc.prom"; }`;
    const expr = `let m = import ${MODULE} { lib = ${lib}; pkgs = { util-linux = "/ul"; }; config = { nix.gc.automatic = false; services.storegc = ${cfg}; }; };
      in { c = m.config.condition; s = m.config.content.systemd.services.storegc; t = m.config.content.systemd.timers.storegc.timerConfig; opts = builtins.attrNames m.options.services.storegc; }`;
    const r = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', expr], { encoding: 'utf8', env: { ...process.env, NIX_STATE_DIR: join(dir, 'nixstate') } });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { c: boolean; s: { startAt: string; script: string; serviceConfig: { ReadWritePaths: string[] } }; t: Record<string, unknown>; opts: string[] };
    expect(out.c).toBe(true);
    expect(out.s.startAt).toBe('hourly');
    expect(out.t).toEqual({ RandomizedDelaySec: '45min', Persistent: true });
    expect(out.s.script).toContain("exec /pkg/bin/storegc gc '--ensure-free' '30%' '--min-free' '5G' '--keep-recent' '24h' '--delete-older-than' '30d' '--keep-generations' '3' '--prune-auto-roots' '14d' '--metrics-file' '/m/storegc.prom' --order lru");
    expect(out.s.serviceConfig.ReadWritePaths).toEqual(['/nix/store', '/nix/var/nix', '-/m']);
    expect(out.opts.sort()).toEqual(['automatic', 'dates', 'deleteOlderThan', 'ensureFree', 'keepGenerations', 'keepRecent', 'metricsFile', 'minFree', 'options', 'package', 'persistent', 'pruneAutoRoots', 'randomizedDelaySec']);
  });
});

describe('contract names', () => {
  it('the units and the module pass only flags of the issue 9 contract', () => {
    const code = `${SERVICE}\n${WATCH}\n${readFileSync(MODULE, 'utf8')}`.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
    const used = new Set([...code.matchAll(/(--[a-z][a-z-]+)/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(6);
    for (const f of used) expect(CONTRACT, f).toContain(f);
  });
});
