/**
 * The JSON report: a versioned contract (bump SCHEMA_VERSION on any incompatible change).
 * Paths are shown as UTF-8 text; bytes that are not UTF-8 appear as U+FFFD.
 */
import { display } from '../store/bytes.js';
import type { Finding } from '../roots/types.js';
import type { Report } from './types.js';

export const SCHEMA_VERSION = 1;

export function renderJson(report: Report): Buffer {
  return Buffer.from(`${JSON.stringify(toJson(report), null, 2)}\n`, 'utf8');
}

export function toJson(report: Report): object {
  const warnings = report.findings.map((f: Finding) => ({ code: f.code, path: display(f.path), message: f.message }));
  if (report.command === 'roots') {
    return {
      schemaVersion: SCHEMA_VERSION,
      command: report.command,
      storeDir: display(report.storeDir),
      roots: report.roots.map((r) => ({ link: display(r.link), path: display(r.path), kind: r.kind })),
      warnings,
    };
  }
  let narSize = 0;
  for (const p of report.paths) narSize += p.narSize ?? 0;
  return {
    schemaVersion: SCHEMA_VERSION,
    command: report.command,
    storeDir: display(report.storeDir),
    paths: report.paths.map((p) => ({ path: display(p.path), narSize: p.narSize })),
    totals: { paths: report.paths.length, narSize },
    junk: report.junk.map(display),
    warnings,
  };
}
