/**
 * Pure comparison of two reads of the roots trees (the index's incremental scan against a full
 * scan), for `index verify`: every entry or outside look that differs, one line each.
 */
import type { OutsideLink } from './rootsIndex.js';
import type { TreeEntry } from '../types.js';

const entryLine = (e: TreeEntry): string => (e.type === 'file' ? `file ${e.path}` : `symlink ${e.path} -> ${e.target}`);
const outsideLine = (o: OutsideLink): string => `outside ${o.link} -> ${o.target}: ${o.result}`;

/** Lines `- x` (only in the indexed scan) and `+ x` (only in the full scan), in byte order. */
export function diffScans(indexed: { entries: readonly TreeEntry[]; outside: readonly OutsideLink[] }, full: { entries: readonly TreeEntry[]; outside: readonly OutsideLink[] }): string[] {
  const a = new Set([...indexed.entries.map(entryLine), ...indexed.outside.map(outsideLine)]);
  const b = new Set([...full.entries.map(entryLine), ...full.outside.map(outsideLine)]);
  const lines = [...[...a].filter((x) => !b.has(x)).map((x) => ({ x, line: `- ${x}` })), ...[...b].filter((x) => !a.has(x)).map((x) => ({ x, line: `+ ${x}` }))];
  return lines.sort((p, q) => (p.x < q.x ? -1 : p.x > q.x ? 1 : p.line < q.line ? -1 : 1)).map((l) => l.line);
}
