/**
 * The JSON report: a versioned contract (bump SCHEMA_VERSION on any incompatible change).
 * Paths are shown as UTF-8 text; bytes that are not UTF-8 appear as U+FFFD.
 */
import { display } from '../store/bytes.js';
import type { Finding } from '../roots/types.js';
import type { GcReport, PathsReport, Report } from './types.js';

export const SCHEMA_VERSION = 1;

export function renderJson(report: Report): Buffer {
  return Buffer.from(`${JSON.stringify(toJson(report), null, 2)}\n`, 'utf8');
}

export function toJson(report: Report): object {
  const warnings = report.findings.map((f: Finding) => ({ code: f.code, path: display(f.path), message: f.message }));
  const head = { schemaVersion: SCHEMA_VERSION, command: report.command, storeDir: display(report.storeDir) };
  switch (report.command) {
    case 'roots':
      return { ...head, roots: report.roots.map((r) => ({ link: display(r.link), path: display(r.path), kind: r.kind })), warnings };
    case 'live':
    case 'dead':
      return { ...head, ...pathsBody(report), warnings };
    case 'gc':
    case 'delete':
      return { ...head, ...gcBody(report), warnings };
  }
}

function pathsBody(report: PathsReport): object {
  let narSize = 0;
  for (const p of report.paths) narSize += p.narSize ?? 0;
  return {
    paths: report.paths.map((p) => ({ path: display(p.path), narSize: p.narSize })),
    totals: { paths: report.paths.length, narSize },
    junk: report.junk.map(display),
  };
}

function gcBody(report: GcReport): object {
  return {
    dryRun: report.dryRun,
    deleted: report.deleted.map(display),
    totals: { paths: report.deleted.length, bytesFreed: report.bytesFreed, narSize: report.narSize },
    limitReached: report.limitReached,
    skipped: report.skipped.map((s) => ({ path: display(s.path), reason: s.reason, detail: s.detail ?? null })),
    links: { removed: report.linksRemoved, savedBytes: report.linksSavedBytes },
    staleLinksRemoved: report.staleLinksRemoved.map(display),
    phasesMs: Object.fromEntries(Object.entries(report.phases).map(([k, v]) => [k, Math.round(v)])),
  };
}
