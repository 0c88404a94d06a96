/**
 * The `.drv` file format (Nix's ATerm `Derive(...)`), parsed and printed back exactly as Nix 2.8
 * prints it (derivations.cc `parseDerivation`, `unparse`). Pure. Strings are binary strings
 * (one char per byte), so printing reproduces the file byte for byte.
 */

export interface DerivationOutput {
  /** The output path, or '' (floating content-addressed, deferred, impure). */
  readonly path: string;
  /** '' (input-addressed), or the ingestion method and hash type: 'r:sha256', 'sha256'. */
  readonly hashAlgo: string;
  /** Base-16 hash of a fixed output, 'impure', or ''. */
  readonly hash: string;
}

export interface Derivation {
  /** By output name, in name order (the file lists them so). */
  readonly outputs: ReadonlyMap<string, DerivationOutput>;
  /** Input derivation path -> the output names used, in path order. */
  readonly inputDrvs: ReadonlyMap<string, readonly string[]>;
  readonly inputSrcs: readonly string[];
  readonly platform: string;
  readonly builder: string;
  readonly args: readonly string[];
  readonly env: ReadonlyMap<string, string>;
}

export type DerivationKind = 'input-addressed' | 'deferred' | 'fixed' | 'floating' | 'impure';

export class DerivationSyntaxError extends Error {}

export function parseDerivation(text: string): Derivation {
  let at = 0;
  const fail = (what: string): never => {
    throw new DerivationSyntaxError(`${what} at byte ${at}`);
  };
  const expect = (s: string): void => {
    if (!text.startsWith(s, at)) fail(`expected '${s}'`);
    at += s.length;
  };
  const peek = (s: string): boolean => text.startsWith(s, at);
  const str = (): string => {
    expect('"');
    let out = '';
    for (;;) {
      // Copy up to the next quote or backslash in one slice: drv files are mostly long plain strings.
      SPECIAL.lastIndex = at;
      const m = SPECIAL.exec(text);
      if (m === null) return fail('unterminated string');
      out += text.slice(at, m.index);
      at = m.index + 1;
      if (m[0] === '"') return out;
      const e = text[at++];
      if (e === undefined) return fail('unterminated string');
      out += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e;
    }
  };
  /** `[item,item,...]` */
  const list = <T>(item: () => T): T[] => {
    expect('[');
    const items: T[] = [];
    if (peek(']')) {
      at++;
      return items;
    }
    for (;;) {
      items.push(item());
      if (peek(']')) {
        at++;
        return items;
      }
      expect(',');
    }
  };

  expect('Derive(');
  const outputs = new Map<string, DerivationOutput>();
  for (const [name, output] of list(() => {
    expect('(');
    const name = str();
    expect(',');
    const path = str();
    expect(',');
    const hashAlgo = str();
    expect(',');
    const hash = str();
    expect(')');
    return [name, { path, hashAlgo, hash }] as const;
  })) outputs.set(name, output);
  expect(',');
  const inputDrvs = new Map<string, string[]>();
  for (const [path, names] of list(() => {
    expect('(');
    const path = str();
    expect(',');
    const names = list(str);
    expect(')');
    return [path, names] as const;
  })) inputDrvs.set(path, names);
  expect(',');
  const inputSrcs = list(str);
  expect(',');
  const platform = str();
  expect(',');
  const builder = str();
  expect(',');
  const args = list(str);
  expect(',');
  const env = new Map<string, string>();
  for (const [k, v] of list(() => {
    expect('(');
    const k = str();
    expect(',');
    const v = str();
    expect(')');
    return [k, v] as const;
  })) env.set(k, v);
  expect(')');
  if (at !== text.length) fail('trailing data');
  if (outputs.size === 0) fail('no outputs');
  return { outputs, inputDrvs, inputSrcs, platform, builder, args, env };
}

/** Nix 2.8 `parseDerivationOutput` and `Derivation::type()`. */
export function derivationKind(drv: Derivation): DerivationKind {
  const kinds = new Set<DerivationKind>();
  for (const o of drv.outputs.values()) {
    if (o.hashAlgo === '') kinds.add(o.path === '' ? 'deferred' : 'input-addressed');
    else if (o.hash === 'impure') kinds.add('impure');
    else kinds.add(o.hash === '' ? 'floating' : 'fixed');
  }
  if (kinds.size === 1) {
    const kind = [...kinds][0]!;
    if (kind !== 'fixed' || drv.outputs.size === 1) return kind;
    throw new DerivationSyntaxError('a fixed-output derivation must have exactly one output');
  }
  // Nix accepts a mix of input-addressed and deferred outputs only as deferred.
  if (kinds.size === 2 && kinds.has('deferred') && kinds.has('input-addressed')) return 'deferred';
  throw new DerivationSyntaxError(`mixed output kinds (${[...kinds].join(', ')})`);
}

/**
 * `Derivation::unparse(store, maskOutputs, actualInputs)`: with `maskOutputs`, output paths and
 * the env vars named after outputs print as ''; with `actualInputs`, those replace inputDrvs.
 */
export function unparseDerivation(drv: Derivation, maskOutputs: boolean, actualInputs?: ReadonlyMap<string, readonly string[]>): string {
  const q = (s: string): string => `"${s}"`;
  const outputs = [...drv.outputs].map(([name, o]) => {
    const path = maskOutputs ? '' : o.path;
    return `(${q(name)},${q(path)},${q(o.hashAlgo)},${q(o.hash)})`;
  });
  const inputs = [...(actualInputs ?? drv.inputDrvs)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const inputDrvs = inputs.map(([path, names]) => `(${q(path)},[${[...names].sort().map(q).join(',')}])`);
  const env = [...drv.env].map(([k, v]) => `(${escape(k)},${escape(maskOutputs && drv.outputs.has(k) ? '' : v)})`);
  return `Derive([${outputs.join(',')}],[${inputDrvs.join(',')}],[${drv.inputSrcs.map(q).join(',')}],${escape(drv.platform)},${escape(drv.builder)},[${drv.args.map(escape).join(',')}],[${env.join(',')}])`;
}

/** Nix's `printString`: quoted, with `"` `\` newline, CR and tab escaped. */
function escape(s: string): string {
  return `"${s.replace(ESCAPED, (c) => ESCAPES[c]!)}"`;
}

const SPECIAL = /["\\]/g;
const ESCAPED = /["\\\n\r\t]/g;
const ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
