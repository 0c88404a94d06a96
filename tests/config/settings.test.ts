import { describe, expect, it } from 'vitest';
import { parseNixConf } from '../../src/config/nixConf.js';
import { resolveSettings } from '../../src/config/settings.js';
import type { ConfLine } from '../../src/config/nixConf.js';
import { StoregcError } from '../../src/errors.js';

const lines = (text: string) => parseNixConf(text).filter((i): i is ConfLine => 'name' in i);

describe('nix.conf', () => {
  it('parses settings, comments and includes', () => {
    expect(parseNixConf('# c\nkeep-outputs = true # trailing\n\n!include extra.conf\ninclude /abs.conf\nbad line\n')).toEqual([
      { name: 'keep-outputs', value: 'true' },
      { include: 'extra.conf', optional: true },
      { include: '/abs.conf', optional: false },
    ]);
  });
});

describe('resolveSettings', () => {
  it('uses Nix defaults', () => {
    const s = resolveSettings({}, {}, []);
    expect(s).toMatchObject({ storeDir: '/nix/store', stateDir: '/nix/var/nix', confDir: '/etc/nix', keepOutputs: false, keepDerivations: true, runtimeRoots: true });
    expect(Object.isFrozen(s)).toBe(true);
  });
  it('takes flags over env over nix.conf, and the gc- aliases, last line winning', () => {
    const env = { NIX_STORE_DIR: '/e/store//', NIX_STATE_DIR: '/e/var' };
    const conf = lines('gc-keep-outputs = true\nkeep-derivations = true\ngc-keep-derivations = false\n');
    expect(resolveSettings({}, env, conf)).toMatchObject({ storeDir: '/e/store', stateDir: '/e/var', keepOutputs: true, keepDerivations: false });
    expect(resolveSettings({ storeDir: '/f/store', keepOutputs: false }, env, conf)).toMatchObject({ storeDir: '/f/store', keepOutputs: false });
  });
  it('puts the state dir and the store files under a chroot-style root, like local?root=', () => {
    const s = resolveSettings({ root: '/mnt' }, { NIX_STATE_DIR: '/ignored' }, []);
    expect(s).toMatchObject({ storeDir: '/nix/store', realStoreDir: '/mnt/nix/store', stateDir: '/mnt/nix/var/nix' });
  });
  it('rejects a non-Boolean GC setting with a configuration error', () => {
    expect(() => resolveSettings({}, {}, lines('keep-outputs = yes'))).toThrow(StoregcError);
    try {
      resolveSettings({}, {}, lines('keep-outputs = yes'));
    } catch (error) {
      expect((error as StoregcError).exitCode).toBe(2);
    }
  });
});
