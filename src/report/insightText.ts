/** Text for `why` and `roots --sizes`. */
import type { Chain } from '../insight/whyAlive.js';
import { ByteChunks } from './byteChunks.js';
import type { ByteSink } from './byteChunks.js';
import type { RootSizesReport, WhyReport } from './insightTypes.js';
import { KindEnds, numbers, placeRootRows, writeRootRows } from './rootRowsText.js';

/**
 * `PATH is alive:` then each chain: the root (`link -> path (kind)`), then one line per step
 * (`  -[edge]-> to`). A dead path: one line saying so and what would collect it. Written a chain
 * at a time (`why --all` of a path 700k roots keep made a string longer than V8's longest).
 */
export function renderWhyText(report: WhyReport, sink?: ByteSink): Buffer {
  const out = new ByteChunks(undefined, sink);
  for (const entry of report.paths) {
    if (!entry.alive) {
      out.write(`${entry.path} is dead: no root keeps it; \`storegc gc\` would delete it\n`);
      continue;
    }
    if (entry.chains.length === 0) {
      out.write(`${entry.path} is alive, through no chain of keep edges: Nix's reverse walk reached a root from it over a DerivationOutputs row of a path that is not a .drv (reference §7.3)\n`);
      continue;
    }
    out.write(`${entry.path} is alive:\n`);
    for (let k = 0; k < entry.chains.length; k++) out.write(chainText(entry.chains.at(k)!));
  }
  return out.bytes();
}

function chainText(chain: Chain): string {
  const head = `  ${chain.root.link} -> ${chain.root.path} (${chain.root.kind})\n`;
  const start = chain.start === chain.root.path ? '' : `    ~ ${chain.start} (same hash part as the temp root)\n`;
  return head + start + chain.steps.map((s) => `    -[${s.edge}]-> ${s.to}\n`).join('');
}

const ARROW = Buffer.from(' -> ', 'latin1');

/** A table of roots, then one of groups: exclusive and closure paths, MiB on disk and narSize MiB. */
export function renderRootSizesText(report: RootSizesReport, sink?: ByteSink): Buffer {
  const header = `${'excl.paths'.padStart(10)} ${'excl.MiB'.padStart(10)} ${'excl.nar'.padStart(10)}  ${'paths'.padStart(7)} ${'MiB'.padStart(10)} ${'nar MiB'.padStart(10)}  ${'age'.padStart(5)}  `;
  const { columns } = report.roots;
  const places = columns === undefined ? undefined : placeRootRows(columns);
  let expected = 2 * header.length + 20 + (places?.total ?? 0);
  if (columns === undefined) {
    for (let k = 0; k < report.roots.length; k++) {
      const { root } = report.roots.at(k)!;
      // A row's numbers and separators take 90 bytes unless a number outgrows its column.
      expected += 90 + root.link.length + root.path.length + root.kind.length;
    }
  }
  for (const g of report.groups) expected += g.name.length + 110;
  const out = new ByteChunks(expected, sink);
  out.write(`${header}root\n`);
  if (columns === undefined || places === undefined) writeRows(out, report);
  else writeRootRows(out, columns, places);
  out.write(`\n${header}group\n`);
  for (const g of report.groups) {
    numbers(out, g.exclusive.paths, g.exclusive.diskBytes, g.exclusive.narSize, g.closure.paths, g.closure.diskBytes, g.closure.narSize, g.ageSeconds);
    out.write(`${g.name} (${g.roots} root${g.roots === 1 ? '' : 's'})\n`);
  }
  return out.bytes();
}

/** The root rows one at a time, from the rows made by report.roots.at(). */
function writeRows(out: ByteChunks, report: RootSizesReport): void {
  const { links, paths } = report;
  const ends = new KindEnds();
  for (let k = 0; k < report.roots.length; k++) {
    const r = report.roots.at(k)!;
    numbers(out, r.exclusive.paths, r.exclusive.diskBytes, r.exclusive.narSize, r.closure.paths, r.closure.diskBytes, r.closure.narSize, r.ageSeconds);
    if (links !== undefined && r.linkAt !== undefined) out.copy(links.bytes, links.offsets[r.linkAt]!, links.offsets[r.linkAt + 1]!);
    else out.write(r.root.link);
    out.copy(ARROW, 0, ARROW.length);
    if (paths !== undefined && r.pathAt !== undefined) {
      if (paths.head !== undefined) out.copy(paths.head, 0, paths.head.length);
      out.copy(paths.bytes, paths.offsets[r.pathAt]!, paths.offsets[r.pathAt + 1]!);
    } else out.write(r.root.path);
    const end = ends.of(r.root.kind);
    out.copy(end, 0, end.length);
  }
}
