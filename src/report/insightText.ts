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
const [DAY, HOUR, MINUTE] = [0x64, 0x68, 0x6d];

/** The age column, `age.padStart(5)`: `12d`, `5h`, `30m`, `-` for none. */
function age(out: ByteChunks, seconds: number | null): void {
  if (seconds === null) {
    out.spaces(4);
    out.byte(0x2d);
    return;
  }
  const [value, unit] = seconds >= 86400 ? [Math.floor(seconds / 86400), DAY] : seconds >= 3600 ? [Math.floor(seconds / 3600), HOUR] : [Math.floor(seconds / 60), MINUTE];
  out.number(value, 4);
  out.byte(unit);
}

/** The numbers of a row: exclusive then closure paths, MiB on disk (one decimal) and narSize MiB; the age. */
function numbers(out: ByteChunks, ex: Sizes, cl: Sizes, seconds: number | null): void {
  out.number(ex.paths, 10);
  out.spaces(1);
  out.tenths(ex.diskBytes, MIB, 10);
  out.spaces(1);
  out.tenths(ex.narSize, MIB, 10);
  out.spaces(2);
  out.number(cl.paths, 7);
  out.spaces(1);
  out.tenths(cl.diskBytes, MIB, 10);
  out.spaces(1);
  out.tenths(cl.narSize, MIB, 10);
  out.spaces(2);
  age(out, seconds);
  out.spaces(2);
}

const ARROW = Buffer.from(' -> ', 'latin1');

/** A table of roots, then one of groups: exclusive and closure paths, MiB on disk and narSize MiB. */
export function renderRootSizesText(report: RootSizesReport): Buffer {
  const header = `${'excl.paths'.padStart(10)} ${'excl.MiB'.padStart(10)} ${'excl.nar'.padStart(10)}  ${'paths'.padStart(7)} ${'MiB'.padStart(10)} ${'nar MiB'.padStart(10)}  ${'age'.padStart(5)}  `;
  // A row's numbers and separators take 90 bytes unless a number outgrows its column.
  let expected = 2 * header.length + 20 + 90 * report.roots.length;
  if (report.roots.stringLength !== undefined) expected += report.roots.stringLength();
  else {
    for (let k = 0; k < report.roots.length; k++) {
      const { root } = report.roots.at(k)!;
      expected += root.link.length + root.path.length + root.kind.length;
    }
  }
  for (const g of report.groups) expected += g.name.length + 110;
  const out = new ByteChunks(expected);
  out.write(`${header}root\n`);
  const { links, paths } = report;
  // What ends a row, by root kind: made once each.
  const kinds = new Map<string, Buffer>();
  for (let k = 0; k < report.roots.length; k++) {
    const r = report.roots.at(k)!;
    numbers(out, r.exclusive, r.closure, r.ageSeconds);
    if (links !== undefined && r.linkAt !== undefined) out.copy(links.bytes, links.offsets[r.linkAt]!, links.offsets[r.linkAt + 1]!);
    else out.write(r.root.link);
    out.copy(ARROW, 0, ARROW.length);
    if (paths !== undefined && r.pathAt !== undefined) {
      if (paths.head !== undefined) out.copy(paths.head, 0, paths.head.length);
      out.copy(paths.bytes, paths.offsets[r.pathAt]!, paths.offsets[r.pathAt + 1]!);
    } else out.write(r.root.path);
    let kind = kinds.get(r.root.kind);
    if (kind === undefined) kinds.set(r.root.kind, kind = Buffer.from(` (${r.root.kind})\n`, 'latin1'));
    out.copy(kind, 0, kind.length);
  }
  out.write(`\n${header}group\n`);
  for (const g of report.groups) {
    numbers(out, g.exclusive, g.closure, g.ageSeconds);
    out.write(`${g.name} (${g.roots} root${g.roots === 1 ? '' : 's'})\n`);
  }
  return out.bytes();
}
