/** Output byte-identical to `nix-store --gc --print-roots | --print-live | --print-dead` (§15). */
import { toBytes } from '../store/bytes.js';
import { ByteChunks } from './byteChunks.js';
import type { ByteSink } from './byteChunks.js';
import { renderIndexText } from './indexText.js';
import { renderRootSizesText, renderWhyText } from './insightText.js';
import { formatMiB, summaryLine } from './mib.js';
import { historyText, runLine } from './history.js';
import { bindingLimit } from './binding.js';
import { keptByPolicyText } from './keptByPolicy.js';
import { watchText } from './watch.js';
import type { GcReport, Report } from './types.js';
import type { PathList } from '../liveness/pathList.js';

export function renderText(report: Report, sink?: ByteSink): Buffer {
  switch (report.command) {
    case 'roots':
      return rootLines(report.roots, sink);
    case 'live':
    case 'dead':
      return pathLines(report.paths, sink);
    case 'gc':
    case 'delete':
      return toBytes(renderGc(report));
    case 'index':
      return toBytes(renderIndexText(report));
    case 'why':
      return renderWhyText(report, sink);
    case 'root-sizes':
      return renderRootSizesText(report, sink);
    case 'history':
      return toBytes(historyText(report));
    case 'status': {
      const now = report.now;
      const last = report.last === undefined ? 'last run: none recorded\n' : `last run: ${runLine(report.last)}`;
      const kept = keptByPolicyText(now.keptByPolicy);
      return toBytes(`${last}now: would delete ${now.deleted.length} of ${now.deadFound} dead paths, freeing ${formatMiB(now.diskBytesFreed)} MiB on disk; ${now.generationsRemoved.length} generations and ${now.autoRootsRemoved.length} auto roots would go\nbinds: ${bindingLimit(now)}\n${kept === undefined ? '' : `${kept}\n`}`);
    }
    case 'watch':
      return toBytes(watchText(report));
    case 'report':
      return toBytes(`wrote ${report.html}${report.json === undefined ? '' : ` and ${report.json}`}: ${report.roots} roots, ${report.livePaths} live paths\n`);
  }
}

/**
 * A real run prints Nix's summary line only (byte-identical: its count is apparent sizes; what
 * policies kept goes to stderr). A dry run lists the paths first (sorted, as Nix lists dead
 * paths; under --order lru in deletion order, which is its decision), then both measures,
 * labelled: the disk blocks the deletions would release, and the apparent size Nix would report
 * (for many small files the two differ several times over), and the database's narSize; then
 * what each policy in effect kept.
 */
function renderGc(report: GcReport): string {
  if (!report.dryRun) return summaryLine(report.deleted.length, report.bytesFreed);
  const paths = (report.order === 'lru' ? report.deleted : [...report.deleted].sort()).map((p) => `${p}\n`).join('');
  const kept = keptByPolicyText(report.keptByPolicy);
  return `${paths}${report.deleted.length} store paths would be deleted, freeing ${formatMiB(report.diskBytesFreed)} MiB on disk (apparent size ${formatMiB(report.bytesFreed)} MiB, which nix-store reports; narSize ${formatMiB(report.narSize)} MiB)\n${kept === undefined ? '' : `${kept}\n`}`;
}

/**
 * `link -> path` a line, as --print-roots writes them, straight into buffers handed to the sink
 * as they fill: 700k roots made a joined string of 150 MB, then its bytes.
 */
function rootLines(roots: readonly { readonly link: string; readonly path: string }[], sink?: ByteSink): Buffer {
  const out = new ByteChunks(undefined, sink);
  // A few thousand lines joined, then written at once: a write per string cost more (each link
  // is made by concatenation, and each write into a buffer flattens it by itself).
  for (let from = 0; from < roots.length; from += LINES_AT_ONCE) {
    const lines: string[] = [];
    for (let k = from; k < Math.min(roots.length, from + LINES_AT_ONCE); k++) lines.push(roots[k]!.link, ' -> ', roots[k]!.path, '\n');
    out.write(lines.join(''));
  }
  return out.bytes();
}

const LINES_AT_ONCE = 8192;

/** One path a line, written straight into one buffer: no line strings, no joined text. */
function pathLines(paths: PathList, sink?: ByteSink): Buffer {
  const { ids, others, placeOf } = paths;
  const { bytes, offsets, head } = paths.nodes.graph.paths.raw;
  const prefix = head ?? new Uint8Array(0);
  let length = 0;
  for (const p of others) length += p.path.length + 1;
  length += (offsets[offsets.length - 1]! / Math.max(1, offsets.length - 1) + prefix.length + 1) * ids.length;
  const out = new ByteChunks(length, sink);
  let j = 0;
  const other = (): void => {
    out.write(others[j++]!.path);
    out.byte(0x0a);
  };
  for (let k = 0; k < ids.length; k++) {
    while (j < others.length && placeOf[j]! <= k) other();
    const id = ids[k]!;
    out.put(prefix);
    out.copy(bytes, offsets[id]!, offsets[id + 1]!);
    out.byte(0x0a);
  }
  while (j < others.length) other();
  return out.bytes();
}
