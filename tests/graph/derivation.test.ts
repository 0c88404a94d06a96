/**
 * `.drv` parsing and printing, and Nix 2.8's hashDerivationModulo: pure cases here, and the
 * proof against real Nix in realisedOutputs.test.ts (every Realisations key Nix wrote).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DerivationSyntaxError, derivationKind, parseDerivation, unparseDerivation } from '../../src/store/derivation.js';
import type { Derivation } from '../../src/store/derivation.js';
import { DerivationHasher } from '../../src/store/derivationHash.js';

const S = '/nix/store';
const sha = (s: string): string => createHash('sha256').update(s, 'latin1').digest('hex');

function drvText(o: { outputs?: string; inputs?: string; env?: string; args?: string }): string {
  return `Derive([${o.outputs ?? `("out","${S}/aaaa-x","","")`}],[${o.inputs ?? ''}],["${S}/bbbb-src"],"x86_64-linux","/bin/sh",[${o.args ?? '"-c","echo"'}],[${o.env ?? `("out","${S}/aaaa-x")`}])`;
}

describe('parseDerivation / unparseDerivation', () => {
  it('prints a parsed file back byte for byte, escapes and non-UTF-8 bytes included', () => {
    const text = drvText({ args: '"-c","a \\"q\\" \\\\ \\n \\t \\r \xe9\xff"', env: `("out","${S}/aaaa-x"),("z","\\n")` });
    const drv = parseDerivation(text);
    expect(drv.args[1]).toBe('a "q" \\ \n \t \r \xe9\xff');
    expect(unparseDerivation(drv, false)).toBe(text);
  });

  it('masks output paths and the env vars named after outputs, and replaces inputs when asked', () => {
    const drv = parseDerivation(drvText({ inputs: `("${S}/cccc-in.drv",["out"])`, env: `("out","${S}/aaaa-x"),("other","v")` }));
    expect(unparseDerivation(drv, true, new Map([['ffff', ['out']]]))).toBe(
      `Derive([("out","","","")],[("ffff",["out"])],["${S}/bbbb-src"],"x86_64-linux","/bin/sh",["-c","echo"],[("out",""),("other","v")])`,
    );
  });

  it('tells the kinds apart as Nix 2.8 does', () => {
    const kind = (outputs: string): string => derivationKind(parseDerivation(drvText({ outputs })));
    expect(kind(`("out","${S}/a-x","","")`)).toBe('input-addressed');
    expect(kind('("out","","","")')).toBe('deferred');
    expect(kind(`("out","${S}/a-x","r:sha256","${'0'.repeat(64)}")`)).toBe('fixed');
    expect(kind('("dev","","r:sha256",""),("out","","r:sha256","")')).toBe('floating');
    expect(kind('("out","","r:sha256","impure")')).toBe('impure');
    expect(() => kind(`("dev","","r:sha256",""),("out","${S}/a-x","","")`)).toThrow(DerivationSyntaxError);
  });

  it('rejects what is not a derivation', () => {
    for (const bad of ['', 'Derive(', drvText({}) + 'x', drvText({}).replace('Derive', 'Derivx'), 'Derive([],[],[],"","",[],[])']) {
      expect(() => parseDerivation(bad)).toThrow(DerivationSyntaxError);
    }
  });
});

describe('DerivationHasher', () => {
  const files = new Map<string, string>();
  const hasher = (): DerivationHasher => new DerivationHasher((p) => {
    const text = files.get(p);
    if (text === undefined) throw new Error(`no ${p}`);
    return parseDerivation(text);
  });
  const fixedText = (inputs: string): string =>
    drvText({ outputs: `("out","${S}/ffff-f","sha256","${'ab'.repeat(32)}")`, inputs });
  files.set(`${S}/1-dep.drv`, drvText({}));
  files.set(`${S}/2-dep.drv`, drvText({ args: '"-c","other"' }));
  files.set(`${S}/3-fixed.drv`, fixedText(''));

  it('hashes a fixed output by its method, hash and path only, whatever it was built from', () => {
    const a = hasher().staticOutputHashes(parseDerivation(fixedText(`("${S}/1-dep.drv",["out"])`)));
    const b = hasher().staticOutputHashes(parseDerivation(fixedText(`("${S}/2-dep.drv",["out"])`)));
    expect(a).toEqual(new Map([['out', sha(`fixed:out:sha256:${'ab'.repeat(32)}:${S}/ffff-f`)]]));
    expect(b).toEqual(a);
  });

  it('gives every output of an impure derivation the hash of "impure"', () => {
    const drv = parseDerivation(drvText({ outputs: '("dev","","r:sha256","impure"),("out","","r:sha256","impure")' }));
    expect(hasher().staticOutputHashes(drv)).toEqual(new Map([['dev', sha('impure')], ['out', sha('impure')]]));
  });

  it('hashes the masked ATerm with each input replaced by its own unmasked hash', () => {
    const top = (dep: string): Derivation => parseDerivation(drvText({ outputs: '("dev","","r:sha256",""),("out","","r:sha256","")', inputs: `("${S}/${dep}",["out"])`, env: '' }));
    const depHash = sha(files.get(`${S}/1-dep.drv`)!);
    const expected = sha(`Derive([("dev","","r:sha256",""),("out","","r:sha256","")],[("${depHash}",["out"])],["${S}/bbbb-src"],"x86_64-linux","/bin/sh",["-c","echo"],[])`);
    expect(hasher().staticOutputHashes(top('1-dep.drv'))).toEqual(new Map([['dev', expected], ['out', expected]]));
    expect(hasher().staticOutputHashes(top('2-dep.drv')).get('out')).not.toBe(expected);
  });

  it('puts a fixed-output input in as one "out" entry per output used, keyed by its output hash', () => {
    const drv = parseDerivation(drvText({ inputs: `("${S}/3-fixed.drv",["out"])` }));
    const key = sha(`fixed:out:sha256:${'ab'.repeat(32)}:${S}/ffff-f`);
    expect(hasher().staticOutputHashes(drv).get('out')).toBe(sha(unparseDerivation(drv, true, new Map([[key, ['out']]]))));
  });

  it('fails on an input derivation without the output used', () => {
    const drv = parseDerivation(drvText({ inputs: `("${S}/3-fixed.drv",["dev"])` }));
    expect(() => hasher().staticOutputHashes(drv)).toThrow(DerivationSyntaxError);
  });
});
