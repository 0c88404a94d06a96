/**
 * The JSON report: a versioned contract (bump SCHEMA_VERSION on any incompatible change).
 * Paths are shown as UTF-8 text; bytes that are not UTF-8 appear as U+FFFD.
 */
import { display } from '../store/bytes.js';
import { historyJson, runJson } from './history.js';
import { bindingLimit } from './binding.js';
import type { Finding, Root } from '../roots/types.js';
import type { GcReport, IndexReport, PathsReport, Report } from './types.js';
import { TIMESTAMP_MARGIN_NS } from '../roots/index/listing.js';
import type { IndexUse } from '../roots/index/withIndex.js';
import { ByteChunks } from './byteChunks.js';
import type { ByteSink } from './byteChunks.js';
import { groupRowJson, rootRowJson, whyPaths, writeRootRowJson } from './insightJson.js';
import { keptByPolicyJson } from './keptByPolicy.js';
import { LazyRows } from './lazyRows.js';
import { placeRootRowsJson, writeRootRowsJson } from './rootRowsJson.js';
import type { JsonRowPlaces } from './rootRowsJson.js';
import type { RootSizesReport } from './insightTypes.js';
import { watchJson } from './watch.js';

export const SCHEMA_VERSION = 1;

/** A byte count for JSON: a number (exact below 2^53, which any file system size is). */
const num = (b: bigint | null): number | null => (b === null ? null : Number(b));

export function renderJson(report: Report, sink?: ByteSink): Buffer {
  // roots --sizes has a row per root: 700k roots make 400 MB of JSON, near V8's longest string.
  if (report.command === 'root-sizes') {
    const { columns } = report.roots;
    const places = columns === undefined ? undefined : placeRootRowsJson(columns);
    let expected = 4096 + (places?.total ?? 0);
    for (let k = 0; places === undefined && k < report.roots.length; k++) {
      // A row's keys, numbers and indentation take about 330 bytes besides its strings (see ByteChunks).
      const r = report.roots.at(k)!;
      expected += r.root.link.length + r.root.path.length + r.root.kind.length + r.group.length + 330;
    }
    for (const g of report.groups) expected += g.name.length + 300;
    return jsonInPieces(rootSizesJson(report, places), expected, sink);
  }
  // A path of `why --all` has a chain per root that keeps it, `roots` a row per root: written one
  // at a time (700k roots: 200 MB of JSON, and 1.5 GB at the peak made as one string).
  if (report.command === 'why' || report.command === 'roots' || report.command === 'live' || report.command === 'dead') return jsonInPieces(toJson(report) as Record<string, unknown>, undefined, sink);
  // `watch` writes a stream: one object per line (JSON Lines), each event as it happens.
  return Buffer.from(`${JSON.stringify(toJson(report), null, report.command === 'watch' ? undefined : 2)}\n`, 'utf8');
}

/**
 * `JSON.stringify(value, null, 2)` and a newline, as bytes, made a top-level key and an array
 * element at a time, so that no string holds the whole text.
 * @param expected about how many bytes it takes (ByteChunks).
 * @param sink where pieces of it may go as they are made (ByteChunks).
 */
export function jsonInPieces(value: Readonly<Record<string, unknown>>, expected?: number, sink?: ByteSink): Buffer {
  const out = new ByteChunks(expected, sink);
  // JSON.stringify leaves out keys whose value is undefined, a function or a symbol.
  const keys = Object.keys(value).filter((k) => !['undefined', 'function', 'symbol'].includes(typeof value[k]));
  if (keys.length === 0) out.utf8('{}');
  keys.forEach((key, i) => {
    const v = value[key];
    out.utf8(`${i === 0 ? '{' : ','}\n  ${JSON.stringify(key)}: `);
    if (v instanceof LazyRows) {
      const rows = v as LazyRows<unknown>;
      if (rows.items.length === 0) out.utf8('[]');
      if (rows.writeAll !== undefined && rows.items.length > 0) {
        out.write('[\n    ');
        rows.writeAll(out);
        out.utf8('\n  ]');
        return;
      }
      const write = rows.write;
      for (let j = 0; j < rows.items.length; j++) {
        const item = rows.items.at(j);
        if (write === undefined) {
          out.utf8(`${j === 0 ? '[' : ','}\n    ${elementJson(rows.row(item))}`);
          continue;
        }
        out.write(j === 0 ? '[\n    ' : ',\n    ');
        write(out, item);
      }
      if (rows.items.length > 0) out.utf8('\n  ]');
      return;
    }
    if (!Array.isArray(v) || v.length === 0) {
      out.utf8(JSON.stringify(v, null, 2).replace(/\n/g, '\n  '));
      return;
    }
    v.forEach((element: unknown, j) => out.utf8(`${j === 0 ? '[' : ','}\n    ${elementJson(element)}`));
    out.utf8('\n  ]');
  });
  out.utf8(keys.length === 0 ? '\n' : '\n}\n');
  return out.bytes();
}

/** The JSON of `roots --sizes`, its root rows written from their columns when it has them (at `places`). */
function rootSizesJson(report: RootSizesReport, places?: JsonRowPlaces): Record<string, unknown> {
  const { columns } = report.roots;
  const writeAll = columns === undefined ? undefined : (out: ByteChunks): void => writeRootRowsJson(out, columns, places ?? placeRootRowsJson(columns));
  const roots = new LazyRows(report.roots, rootRowJson, (out, r) => writeRootRowJson(out, r, report.links, report.paths), writeAll);
  const warnings = report.findings.map((f: Finding) => ({ code: f.code, path: display(f.path), message: f.message }));
  return { schemaVersion: SCHEMA_VERSION, command: 'roots', storeDir: display(report.storeDir), roots, groups: new LazyRows(report.groups, groupRowJson), index: indexUse(report.index), warnings };
}

function isFlat(object: Readonly<Record<string, unknown>>): boolean {
  for (const key in object) {
    const v = object[key];
    if (v !== null && typeof v === 'object') return false;
  }
  return true;
}

/** An element of a top-level array, as JSON.stringify(_, null, 2) writes it four spaces in. */
function elementJson(element: unknown): string {
  const flat = element !== null && typeof element === 'object' && !Array.isArray(element) && isFlat(element as Record<string, unknown>);
  if (!flat) return (JSON.stringify(element, null, 2) ?? 'null').replace(/\n/g, '\n    ');
  // A flat object (a report row): members six spaces in already, only the brace moves.
  const text = JSON.stringify(element, null, 6);
  return text.endsWith('\n}') ? `${text.slice(0, -2)}\n    }` : text;
}

const rootJson = (r: Root): object => ({ link: display(r.link), path: display(r.path), kind: r.kind });

export function toJson(report: Report): object {
  const warnings = report.findings.map((f: Finding) => ({ code: f.code, path: display(f.path), message: f.message }));
  const head = { schemaVersion: SCHEMA_VERSION, command: report.command, storeDir: display(report.storeDir) };
  switch (report.command) {
    case 'roots':
      return { ...head, roots: new LazyRows(report.roots, rootJson), index: indexUse(report.index), warnings };
    case 'live':
    case 'dead':
      return { ...head, ...pathsBody(report), index: indexUse(report.index), warnings };
    case 'gc':
    case 'delete':
      return { ...head, ...gcBody(report), warnings };
    case 'index':
      return { ...head, ...indexBody(report), warnings };
    case 'why':
      return { ...head, paths: whyPaths(report), index: indexUse(report.index), warnings };
    case 'root-sizes':
      return rootSizesJson(report);
    case 'history':
      return { ...head, ...historyJson(report), warnings };
    case 'status':
      return { ...head, last: report.last === undefined ? null : runJson(report.last), now: { ...gcBody(report.now), binds: bindingLimit(report.now) }, warnings };
    case 'watch':
      return { ...head, ...watchJson(report), warnings };
    case 'report':
      return { ...head, html: display(report.html), json: report.json === undefined ? null : display(report.json), roots: report.roots, livePaths: report.livePaths, index: indexUse(report.index), warnings };
  }
}

/** How the roots index served a scan; null when none was used. */
function indexUse(use: IndexUse | undefined): object | null {
  if (use === undefined) return null;
  return {
    file: use.file === undefined ? null : display(use.file), dirs: use.dirs, dirsReused: use.reused, dirsRead: use.read,
    entries: use.entries, outsideLinks: use.outsideLinks, scanMs: Math.round(use.scanMs * 10) / 10, saved: use.saved,
  };
}

function indexBody(report: IndexReport): object {
  const use = report.use;
  const s = report.status;
  return {
    action: report.action,
    file: report.file === undefined ? null : display(report.file),
    ...(use === undefined ? {} : { ...indexUse(use), marginMs: Number(TIMESTAMP_MARGIN_NS / 1_000_000n) }),
    ...(s === undefined ? {} : {
      status: {
        dirs: s.dirs, entries: s.entries, outsideLinks: s.outsideLinks, sizeBytes: s.sizeBytes,
        lastScan: s.lastScan === undefined ? null : { ...s.lastScan, startedNs: String(s.lastScan.startedNs), finished: new Date(s.lastScan.finishedMs).toISOString() },
      },
    }),
    ...(report.drift === undefined ? {} : { drift: report.drift.map(display), staleDirs: report.staleDirs ?? 0 }),
    ...(report.graphCache === undefined ? {} : { graphCache: { ...report.graphCache, file: report.graphCache.file === undefined ? null : display(report.graphCache.file) } }),
  };
}

function pathsBody(report: PathsReport): object {
  return {
    paths: new LazyRows(report.paths, (p) => ({ path: display(p.path), narSize: p.narSize })),
    totals: { paths: report.paths.length, narSize: report.paths.narSize() },
    junk: report.junk.map(display),
  };
}

function gcBody(report: GcReport): object {
  return {
    dryRun: report.dryRun,
    deleted: report.deleted.map(display),
    // bytesFreed: apparent sizes, as Nix counts; diskBytesFreed: disk blocks released.
    totals: { paths: report.deleted.length, bytesFreed: report.bytesFreed, diskBytesFreed: report.diskBytesFreed, narSize: report.narSize },
    limitReached: report.limitReached,
    order: report.order,
    keptByPolicy: keptByPolicyJson(report.keptByPolicy, 'number'),
    interrupted: report.interrupted,
    skipped: report.skipped.map((s) => ({ path: display(s.path), reason: s.reason, detail: s.detail ?? null })),
    links: { removed: report.linksRemoved, savedBytes: Math.max(0, report.linksSavedBytes) },
    generationsRemoved: report.generationsRemoved.map((g) => ({ profile: display(g.profile), generation: g.generation, link: display(g.link) })),
    autoRootsRemoved: report.autoRootsRemoved.map((a) => ({ link: display(a.link), target: display(a.target) })),
    database: report.database === null ? null : { checkpointed: report.database.checkpointed, vacuumed: report.database.vacuumed, freePages: report.database.freePages, pages: report.database.pages, note: report.database.note },
    target: report.target === null ? null : {
      ensureFree: num(report.target.ensureFree), minFree: num(report.target.minFree), freeBefore: num(report.target.freeBefore),
      freeAfter: num(report.target.freeAfter), met: report.target.met, shortfallBytes: num(report.target.shortfallBytes), cause: report.target.cause,
    },
    staleLinksRemoved: report.staleLinksRemoved.map(display),
    phasesMs: Object.fromEntries(Object.entries(report.phases).map(([k, v]) => [k, Math.round(v)])),
  };
}
