/**
 * The composer of `report --html FILE [--json FILE]`: the world and the root sizes of
 * `roots --sizes` (insight.ts), each live path's shortest chain, the totals, and the runs in the
 * run history, written as one self-contained page (src/report/html.ts) and its data as JSON.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { measureFreed } from '../collect/measure.js';
import type { Settings } from '../config/settings.js';
import { StoregcError, errnoOf } from '../errors.js';
import { EDGE_NAMES } from '../graph/keepEdges.js';
import { shortestParents } from '../insight/whyAlive.js';
import type { Liveness } from '../liveness/classify.js';
import { ALIVE, DEAD } from '../liveness/markLive.js';
import { HISTORY_KEEP } from '../records/history.js';
import { ByteChunks } from '../report/byteChunks.js';
import { historyPoint } from '../report/historyChart.js';
import { renderHtml } from '../report/html.js';
import { rootSizesBody } from '../report/insightJson.js';
import type { PageReport, ReportPageData } from '../report/insightTypes.js';
import { SCHEMA_VERSION } from '../report/json.js';
import { writePageJson } from '../report/pageJson.js';
import type { Root } from '../roots/types.js';
import { display } from '../store/bytes.js';
import { readHistory } from './history.js';
import { rootSizesOf, withSizes } from './insight.js';
import type { OnDisk, World } from './insight.js';

/**
 * `report --html FILE [--json FILE]`: every root and group with its sizes, the totals, and a
 * shortest chain to every live path, written as one self-contained page (and the data as JSON).
 */
export async function writeReportPage(settings: Settings, htmlFile: string, jsonFile: string | undefined, now: number = Date.now()): Promise<PageReport> {
  return withSizes(settings, (world, onDisk) => writePage(settings, world, onDisk, htmlFile, jsonFile, now));
}

/**
 * The page shows the roots and groups with the largest exclusive size, at most this many of each
 * (`roots --sizes` lists them all): 700k rows made a page of 480 MB that Chromium did not open in
 * five minutes, and a table nobody reads past its first screens.
 */
export const PAGE_ROWS = 1000;

async function writePage(settings: Settings, world: World, onDisk: OnDisk, htmlFile: string, jsonFile: string | undefined, now: number): Promise<PageReport> {
  const { nodes, state } = world.liveness;
  const sized = await rootSizesOf(settings, world, onDisk, 'exclusive', PAGE_ROWS, now);
  const { report } = sized;
  const disk = await sized.disk();
  const body = rootSizesBody(report) as { roots: object[]; groups: object[] };
  const rowOf = new Map<Root, number>();
  for (let k = 0; k < report.roots.length; k++) rowOf.set(report.roots.at(k)!.root, k);
  const keepWorld = { nodes, edges: world.edges, sources: world.sources };
  const parents = shortestParents(keepWorld);
  const liveIndex = new Int32Array(nodes.size).fill(-1);
  const deadIds: number[] = [];
  let liveCount = 0;
  let liveNarSize = 0;
  let deadNarSize = 0;
  let liveDiskBytes = 0;
  for (let id = 0; id < nodes.size; id++) {
    const nar = id < nodes.validCount && !Number.isNaN(nodes.graph.narSize[id]!) ? nodes.graph.narSize[id]! : 0;
    if (state[id]! & ALIVE) {
      liveIndex[id] = liveCount++;
      liveNarSize += nar;
      liveDiskBytes += disk.own[id] ?? 0;
    } else if (state[id]! & DEAD) {
      deadIds.push(id);
      deadNarSize += nar;
    }
  }
  for (const inode of disk.shared) liveDiskBytes += inode.bytes;
  // Each live path's parent on a shortest chain (-1 at a chain start) and the edge kind to it.
  const liveIds = new Int32Array(liveCount);
  const parent = new Int32Array(liveCount);
  const edge = new Int8Array(liveCount);
  for (let id = 0; id < nodes.size; id++) {
    const i = liveIndex[id]!;
    if (i === -1) continue;
    liveIds[i] = id;
    parent[i] = parents.parent[id]! >= 0 ? liveIndex[parents.parent[id]!]! : -1;
    edge[i] = parents.via[id]! >= 0 ? world.edges.kind[parents.via[id]!]! : -1;
  }
  const rootOf: Record<number, number> = {};
  for (const s of world.sources.nodes) {
    const row = rowOf.get(world.sources.rootsOf.get(s)![0]!);
    if (row !== undefined && liveIndex[s] !== -1) rootOf[liveIndex[s]!] = row;
  }
  const real = (path: string): string => settings.realStoreDir + path.slice(settings.storeDir.length);
  const recorded = readHistory(settings, HISTORY_KEEP).runs;
  const page: ReportPageData = {
    storeDir: display(settings.storeDir),
    generated: new Date(now).toISOString(),
    totals: { livePaths: liveCount, liveNarSize, liveDiskBytes, deadPaths: deadIds.length, deadNarSize, gcFreesBytes: measureFreed(deadIds.map((id) => real(nodes.pathOf(id)))) },
    roots: body.roots,
    groups: body.groups,
    rootsTotal: world.rootSet.roots.length,
    groupsTotal: sized.groupCount,
    edges: EDGE_NAMES,
    history: recorded.length === 0 ? null : { runs: recorded.slice(0, CHART_RUNS).reverse().map(historyPoint), total: recorded.length },
  };
  const live = { names: liveNames(nodes, liveIds, `${settings.storeDir}/`), parent, edge, rootOf };
  writeOutput(htmlFile, renderHtml(page, live));
  if (jsonFile !== undefined) {
    const liveJson = { count: liveCount, path: (i: number) => display(nodes.pathOf(liveIds[i]!)), parent, edge, rootOf };
    writeOutput(jsonFile, (out) => writePageJson(out, SCHEMA_VERSION, page, liveJson));
  }
  return { command: 'report', storeDir: settings.storeDir, html: htmlFile, json: jsonFile, roots: report.roots.length, livePaths: liveCount, findings: world.findings, index: world.index };
}

/**
 * The live paths' names below the store directory (`prefix`) as the JSON of an array of strings,
 * written from the path table's bytes: at 1.3M paths, no string per path, and half the bytes of
 * whole paths. A path whose bytes are not their own JSON (never a valid store path) is written
 * as JSON.stringify writes its display form; `<` escaped either way (it stands in a <script>).
 */
function liveNames(nodes: Liveness['nodes'], ids: Int32Array, prefix: string): Buffer {
  const { bytes, offsets, head } = nodes.graph.paths.raw;
  const headText = head === undefined ? '' : Buffer.from(head).toString('latin1');
  const tableNames = headText === prefix;
  const out = new ByteChunks(ids.length * 48 + 2);
  out.byte(0x5b);
  for (let k = 0; k < ids.length; k++) {
    if (k > 0) out.byte(0x2c);
    const id = ids[k]!;
    if (tableNames && id < nodes.validCount && embeddable(bytes, offsets[id]!, offsets[id + 1]!)) {
      out.byte(0x22);
      out.copy(bytes, offsets[id]!, offsets[id + 1]!);
      out.byte(0x22);
      continue;
    }
    const path = nodes.pathOf(id);
    out.utf8(JSON.stringify(display(path.startsWith(prefix) ? path.slice(prefix.length) : path)).replace(/</g, '\\u003c'));
  }
  out.byte(0x5d);
  return out.bytes();
}

/** Bytes that are their own JSON and can stand in a <script> element: printable ASCII but `"`, `\\` and `<`. */
function embeddable(bytes: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = bytes[k]!;
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c || c === 0x3c) return false;
  }
  return true;
}

/** Runs in the page's history chart: the newest, as many as stay legible side by side. */
const CHART_RUNS = 200;

/** The report file: its parts, or what `write` writes (handed to the file as it fills). */
function writeOutput(file: string, text: readonly Uint8Array[] | ((out: ByteChunks) => void)): void {
  try {
    if (typeof text === 'function') writeMade(file, text);
    else writeParts(file, text);
  } catch (error) {
    throw new StoregcError('io', file, `cannot write the report (${errnoOf(error) ?? 'error'})`, 'give a file in a writable directory');
  }
}

function writeMade(file: string, write: (out: ByteChunks) => void): void {
  const fd = openSync(file, 'w');
  try {
    const all = (part: Uint8Array): void => {
      for (let at = 0; at < part.length;) at += writeSync(fd, part, at);
    };
    const out = new ByteChunks(0, all);
    write(out);
    all(out.bytes());
  } finally {
    closeSync(fd);
  }
}

function writeParts(file: string, parts: readonly Uint8Array[]): void {
  const fd = openSync(file, 'w');
  try {
    for (const part of parts) for (let at = 0; at < part.length;) at += writeSync(fd, part, at);
  } finally {
    closeSync(fd);
  }
}
