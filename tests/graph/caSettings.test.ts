/**
 * Settings.caDerivations: whether loadGraph reads Realisations. Nix's rules for the setting:
 * `experimental-features` replaces the list so far, `extra-experimental-features` appends, in
 * the order the files (then NIX_CONFIG) are read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNixConf } from '../../src/config/loadConf.js';
import { parseNixConf } from '../../src/config/nixConf.js';
import type { ConfLine } from '../../src/config/nixConf.js';
import { resolveSettings } from '../../src/config/settings.js';

const ca = (text: string): boolean =>
  resolveSettings({}, {}, parseNixConf(text).filter((i): i is ConfLine => 'name' in i)).caDerivations;

describe('Settings.caDerivations', () => {
  it('is off by default and on when a feature list names ca-derivations', () => {
    expect(ca('')).toBe(false);
    expect(ca('experimental-features = nix-command ca-derivations\n')).toBe(true);
    expect(ca('experimental-features = nix-command\n')).toBe(false);
    expect(ca('experimental-features = ca-derivationsx\n')).toBe(false);
  });

  it('lets a later experimental-features replace the list and extra-experimental-features add to it', () => {
    expect(ca('experimental-features = ca-derivations\nexperimental-features = nix-command\n')).toBe(false);
    expect(ca('experimental-features = nix-command\nextra-experimental-features = flakes ca-derivations\n')).toBe(true);
    expect(ca('extra-experimental-features = ca-derivations\nexperimental-features = flakes\n')).toBe(false);
  });

  it('reads NIX_CONFIG after the files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'storegc-ca-conf-'));
    try {
      writeFileSync(join(dir, 'nix.conf'), 'experimental-features = nix-command\n');
      const env = { NIX_USER_CONF_FILES: '', NIX_CONFIG: 'extra-experimental-features = ca-derivations' };
      expect(resolveSettings({}, env, loadNixConf(dir, env)).caDerivations).toBe(true);
      expect(resolveSettings({}, {}, loadNixConf(dir, { NIX_USER_CONF_FILES: '' })).caDerivations).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
