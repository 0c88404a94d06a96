/**
 * An independent reading of a materialized store for the insight tests: the keep edges of
 * reference §7.2 straight from the database (not through src/graph), BFS distances over them, and
 * the roots and live paths real `nix-store` reports.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { StoreLayout } from '../support/materialize.js';
import type { StoreSpec } from '../support/spec.js';
import { runNixStore } from '../support/run.js';

export interface Oracle {
  /** `from -> to` => edge kinds that allow it. */
  readonly edges: Map<string, Set<string>>;
  readonly forward: Map<string, string[]>;
}

export function keepSettings(spec: StoreSpec): { keepOutputs: boolean; keepDerivations: boolean } {
  let keepOutputs = false;
  let keepDerivations = true;
  for (const s of spec.settings) {
    if (s.name === 'keep-outputs' || s.name === 'gc-keep-outputs') keepOutputs = s.value === 'true';
    if (s.name === 'keep-derivations' || s.name === 'gc-keep-derivations') keepDerivations = s.value === 'true';
  }
  return { keepOutputs, keepDerivations };
}

export function readOracle(layout: StoreLayout, settings: { keepOutputs: boolean; keepDerivations: boolean }): Oracle {
  const db = new Database(join(layout.stateDir, 'db', 'db.sqlite'), { readonly: true });
  try {
    const edges = new Map<string, Set<string>>();
    const forward = new Map<string, string[]>();
    const add = (from: string, to: string, kind: string): void => {
      if (from === to) return;
      const key = `${from} -> ${to}`;
      if (!edges.has(key)) {
        edges.set(key, new Set());
        forward.set(from, [...(forward.get(from) ?? []), to]);
      }
      edges.get(key)!.add(kind);
    };
    const rows = <T>(sql: string): T[] => db.prepare(sql).all() as T[];
    for (const r of rows<{ a: string; b: string }>('select a.path as a, b.path as b from Refs join ValidPaths a on a.id = referrer join ValidPaths b on b.id = reference')) add(r.a, r.b, 'reference');
    if (settings.keepOutputs) {
      for (const r of rows<{ a: string; b: string }>('select v.path as a, d.path as b from DerivationOutputs d join ValidPaths v on v.id = d.drv where d.path in (select path from ValidPaths)')) {
        if (r.a.endsWith('.drv')) add(r.a, r.b, 'keep-outputs');
      }
    }
    if (settings.keepDerivations) {
      for (const r of rows<{ a: string; b: string }>('select path as a, deriver as b from ValidPaths where deriver in (select path from ValidPaths)')) add(r.a, r.b, 'keep-derivations');
    }
    return { edges, forward };
  } finally {
    db.close();
  }
}

/** BFS distances from `sources` over the oracle's edges. */
export function distances(oracle: Oracle, sources: Iterable<string>): Map<string, number> {
  const dist = new Map<string, number>();
  const queue: string[] = [];
  for (const s of sources) {
    if (!dist.has(s)) {
      dist.set(s, 0);
      queue.push(s);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!;
    for (const q of oracle.forward.get(p) ?? []) {
      if (!dist.has(q)) {
        dist.set(q, dist.get(p)! + 1);
        queue.push(q);
      }
    }
  }
  return dist;
}

export function lines(buf: Buffer): string[] {
  return buf.toString('latin1').split('\n').filter((l) => l !== '');
}

/** `nix-store --gc --print-roots` as (link, path) pairs, decoded as storegc's JSON shows them (UTF-8, U+FFFD for other bytes). */
export function nixRoots(root: string): { link: string; path: string }[] {
  const r = runNixStore(root, ['--gc', '--print-roots']);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.toString('utf8').split('\n').filter((l) => l !== '').map((l) => {
    const at = l.lastIndexOf(' -> ');
    return { link: l.slice(0, at), path: l.slice(at + 4) };
  });
}

export const hashPart = (storeDir: string, path: string): string => path.slice(storeDir.length + 1, storeDir.length + 33);
