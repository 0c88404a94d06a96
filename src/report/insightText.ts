/** Text for `why` and `roots --sizes`. */
import type { Chain } from '../insight/whyAlive.js';
import type { Sizes } from '../insight/rootSizes.js';
import { ByteChunks } from './byteChunks.js';
import type { RootSizesReport, WhyReport } from './insightTypes.js';

/**
 * `PATH is alive:` then each chain: the root (`link -> path (kind)`), then one line per step
 * (`  -[edge]-> to`). A dead path: one line saying so and what would collect it.
 */
export function renderWhyText(report: WhyReport): string {
  return report.paths.map((entry) => {
    if (!entry.alive) return `${entry.path} is dead: no root keeps it; \`storegc gc\` would delete it\n`;
    if (entry.chains.length === 0) {
      return `${entry.path} is alive, through no chain of keep edges: Nix's reverse walk reached a root from it over a DerivationOutputs row of a path that is not a .drv (reference §7.3)\n`;
    }
    const chains = entry.chains.map(chainText).join('');
    return `${entry.path} is alive:\n${chains}`;
  }).join('');
}

function chainText(chain: Chain): string {
  const head = `  ${chain.root.link} -> ${chain.root.path} (${chain.root.kind})\n`;
  const start = chain.start === chain.root.path ? '' : `    ~ ${chain.start} (same hash part as the temp root)\n`;
  return head + start + chain.steps.map((s) => `    -[${s.edge}]-> ${s.to}\n`).join('');
}

const MIB = 1024 * 1024;
const mib = (bytes: number): string => (bytes / MIB).toFixed(1);
const sizes = (s: Sizes): string => `${String(s.paths).padStart(7)} ${mib(s.diskBytes).padStart(10)} ${mib(s.narSize).padStart(10)}`;
const age = (seconds: number | null): string => (seconds === null ? '-' : seconds >= 86400 ? `${Math.floor(seconds / 86400)}d` : seconds >= 3600 ? `${Math.floor(seconds / 3600)}h` : `${Math.floor(seconds / 60)}m`);

/** A table of roots, then one of groups: exclusive and closure paths, MiB on disk and narSize MiB. */
export function renderRootSizesText(report: RootSizesReport): Buffer {
  const header = `${'excl.paths'.padStart(10)} ${'excl.MiB'.padStart(10)} ${'excl.nar'.padStart(10)}  ${'paths'.padStart(7)} ${'MiB'.padStart(10)} ${'nar MiB'.padStart(10)}  ${'age'.padStart(5)}  `;
  const row = (ex: Sizes, cl: Sizes, a: number | null, what: string): string =>
    `${String(ex.paths).padStart(10)} ${mib(ex.diskBytes).padStart(10)} ${mib(ex.narSize).padStart(10)}  ${sizes(cl)}  ${age(a).padStart(5)}  ${what}\n`;
  const out = new ByteChunks();
  out.write(`${header}root\n`);
  for (const r of report.roots) out.write(row(r.exclusive, r.closure, r.ageSeconds, `${r.root.link} -> ${r.root.path} (${r.root.kind})`));
  out.write(`\n${header}group\n`);
  for (const g of report.groups) out.write(row(g.exclusive, g.closure, g.ageSeconds, `${g.name} (${g.roots} root${g.roots === 1 ? '' : 's'})`));
  return out.bytes();
}
