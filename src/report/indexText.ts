/** Text for the `storegc index` commands, and the one stderr line telling what the index reused. */
import { display } from '../store/bytes.js';
import type { IndexReport } from '../compose/indexCommands.js';
import type { IndexUse } from '../roots/index/withIndex.js';

/** 1,234,567: as toLocaleString('en-US') for integers, without loading ICU's locale data (25 ms at first use). */
export const count = (n: number): string => (Number.isInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : n.toLocaleString('en-US'));

/** `roots index: reused 812 of 820 directories (read 8), 1,000,000 entries, 12 outside links`. */
export function indexUseLine(use: IndexUse): string {
  return `roots index: reused ${count(use.reused)} of ${count(use.dirs)} directories (read ${count(use.read)}), `
    + `${count(use.entries)} entries, ${count(use.outsideLinks)} outside links${use.saved ? '' : ' (index not updated)'}`;
}

export function renderIndexText(report: IndexReport): string {
  return renderRootsIndexText(report) + graphCacheLine(report);
}

/** `graph cache: FILE …`: what the graph cache holds (status) or how it served (update, rebuild, verify). */
function graphCacheLine(report: IndexReport): string {
  const g = report.graphCache;
  if (g === undefined) return '';
  if (g.file === undefined) return 'graph cache: (none)\n';
  const head = `graph cache: ${display(g.file)}`;
  if (g.use !== undefined) {
    const how = g.use.source === 'full' ? `read the database in full${g.use.reason === undefined ? '' : ` (${g.use.reason})`}`
      : g.use.source === 'unchanged' ? 'current' : `brought up to date (+${count(g.use.added)} -${count(g.use.deleted)} paths)`;
    const verdict = g.differences === undefined ? '' : g.differences.length === 0 ? '; no difference from a full load' : `; ${g.differences.length} differences from a full load`;
    return `${head}\n${how}${verdict}\n`;
  }
  if (g.problem !== undefined) return `${head}\nunusable (${g.problem}); the next run rebuilds it\n`;
  if (g.paths === undefined) return `${head}\nno graph cache yet\n`;
  return `${head}\n${count(g.paths)} paths, ${count(g.refs ?? 0)} references, ${count(g.sizeBytes ?? 0)} bytes\n`;
}

function renderRootsIndexText(report: IndexReport): string {
  const file = report.file === undefined ? '(none)' : display(report.file);
  switch (report.action) {
    case 'status': {
      const s = report.status;
      if (report.file === undefined) return 'index: (none)\nno writable place for a roots index (STATE/storegc/ or the cache dir); pass --index FILE to keep one elsewhere\n';
      if (s === undefined) return `index: ${file}\nno roots index yet; \`storegc index update\` builds one\n`;
      const last = s.lastScan;
      const lastLine = last === undefined ? 'last scan: never\n'
        : `last scan: ${new Date(last.finishedMs).toISOString()} (${Math.round((Date.now() - last.finishedMs) / 1000)} s ago), reused ${count(last.reused)} of ${count(last.dirs)} directories, read ${count(last.read)}\n`;
      return `index: ${file}\ndirectories: ${count(s.dirs)}\nentries: ${count(s.entries)}\noutside links: ${count(s.outsideLinks)}\nsize: ${count(s.sizeBytes)} bytes\n${lastLine}`;
    }
    case 'update':
    case 'rebuild':
      return `index: ${file}\n${indexUseLine(report.use!)}\n`;
    case 'verify': {
      const drift = report.drift ?? [];
      const head = drift.map((l) => `${display(l)}\n`).join('');
      return `${head}index: ${file}\n${drift.length === 0 ? 'no drift' : `${drift.length} differences`} between the index and a full scan `
        + `(${count(report.use!.entries)} entries; ${count(report.staleDirs ?? 0)} directories read again: changed, or changed too recently to trust)\n`;
    }
  }
}
