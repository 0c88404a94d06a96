/** Output byte-identical to `nix-store --gc --print-roots | --print-live | --print-dead` (§15). */
import { toBytes } from '../store/bytes.js';
import type { Report } from './types.js';

export function renderText(report: Report): Buffer {
  const lines = report.command === 'roots'
    ? report.roots.map((r) => `${r.link} -> ${r.path}\n`)
    : report.paths.map((p) => `${p.path}\n`);
  return toBytes(lines.join(''));
}
