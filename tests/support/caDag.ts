/**
 * Random derivation DAGs for real Nix 2.8 builds with ca-derivations: plain input-addressed,
 * multi-output, fixed-output, floating content-addressed (single and multi-output), text
 * (builtins.toFile), source (a file copied in at instantiation) and impure derivations. Each
 * derivation uses some earlier nodes at run time (their path ends up in its output: a Refs row)
 * and some at build time only (an input derivation without a reference, which is what gives
 * RealisationsRefs rows no Refs counterpart). Pure: returns the Nix expression text.
 */
import type { Rng } from './prng.js';

export type NodeKind = 'plain' | 'multi' | 'fixed' | 'ca' | 'ca-multi' | 'text' | 'source' | 'impure';

export interface DagNode {
  readonly name: string;
  readonly kind: NodeKind;
  /** Output attribute names (derivations only). */
  readonly outputs: readonly string[];
}

export interface Dag {
  readonly nodes: readonly DagNode[];
  /** `default.nix`: the list of the derivation nodes, in node order (text and source nodes are bindings only). */
  readonly expr: string;
  /** Files the expression copies into the store (source nodes), by file name. */
  readonly files: ReadonlyMap<string, string>;
}

const BUILDABLE: readonly NodeKind[] = ['plain', 'plain', 'multi', 'fixed', 'ca', 'ca', 'ca-multi', 'text', 'source'];

export function generateDag(rng: Rng, size: number, seed: number): Dag {
  const nodes: DagNode[] = [];
  const files = new Map<string, string>();
  const bindings: string[] = [];
  for (let i = 0; i < size; i++) {
    // Impure derivations cannot be inputs of a pure build: only the last few nodes may be impure.
    const kind: NodeKind = i >= size - 2 && rng.chance(0.3) ? 'impure' : rng.pick(BUILDABLE);
    const name = `n${i}-${kind}`;
    const outputs = kind === 'multi' || kind === 'ca-multi' ? ['out', 'dev'] : kind === 'text' || kind === 'source' ? [] : ['out'];
    const deps = nodes.filter((n) => n.kind !== 'impure');
    // Fixed outputs may not refer to anything; builtins.toFile may refer to sources only.
    const usable = kind === 'text' ? deps.filter((d) => d.kind === 'text' || d.kind === 'source') : deps;
    const runtime = kind === 'fixed' ? [] : rng.sample(usable, rng.int(0, 2));
    const buildOnly = rng.sample(deps.filter((d) => !runtime.includes(d)), rng.int(0, 2));
    const ref = (d: DagNode): string => '${' + attr(d.name) + (d.outputs.length > 1 && rng.chance(0.5) ? '.dev' : '') + '}';
    const tag = `${seed}-${i}`;
    if (kind === 'text') {
      bindings.push(`${attr(name)} = builtins.toFile "${name}" "text ${tag} ${runtime.map(ref).join(' ')}";`);
    } else if (kind === 'source') {
      files.set(`${name}.txt`, `source ${tag}\n`);
      bindings.push(`${attr(name)} = ./${name}.txt;`);
    } else {
      const lines = [`echo ${tag} > $out`, ...runtime.map((d) => `echo ${ref(d)} >> $out`), ...buildOnly.map((d) => `test -e ${ref(d)}`)];
      if (outputs.includes('dev')) lines.push(`echo ${tag} dev > $dev`, ...runtime.slice(0, 1).map((d) => `echo ${ref(d)} >> $dev`));
      let extra = '';
      if (kind === 'fixed') {
        lines[0] = `printf %s ${tag} > $out`;
        extra = `outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = builtins.hashString "sha256" "${tag}";`;
      } else if (kind === 'ca' || kind === 'ca-multi') {
        extra = '__contentAddressed = true; outputHashMode = "recursive"; outputHashAlgo = "sha256";';
      } else if (kind === 'impure') {
        extra = '__impure = true;';
      }
      const outs = outputs.length > 1 ? `outputs = [ ${outputs.map((o) => `"${o}"`).join(' ')} ]; ` : '';
      bindings.push(`${attr(name)} = derivation { name = "${name}"; builder = "/bin/sh"; system = builtins.currentSystem; ${outs}${extra} args = [ "-c" "${lines.join('; ')}" ]; };`);
    }
    nodes.push({ name, kind, outputs });
  }
  const derivations = nodes.filter((n) => n.outputs.length > 0).map((n) => attr(n.name));
  return { nodes, expr: `let\n  ${bindings.join('\n  ')}\nin [ ${derivations.join(' ')} ]\n`, files };
}

/** Node names (`n3-ca`) are Nix identifiers as they stand. */
function attr(name: string): string {
  return name;
}
