/** Text for the `storegc index` commands, and the one stderr line telling what the index reused. */
import { display } from '../store/bytes.js';
import type { IndexReport } from '../compose/indexCommands.js';
import type { IndexUse } from '../roots/index/withIndex.js';

const count = (n: number): string => n.toLocaleString('en-US');

/** `roots index: reused 812 of 820 directories (read 8), 1,000,000 entries, 12 outside links`. */
export function indexUseLine(use: IndexUse): string {
  return `roots index: reused ${count(use.reused)} of ${count(use.dirs)} directories (read ${count(use.read)}), `
    + `${count(use.entries)} entries, ${count(use.outsideLinks)} outside links${use.saved ? '' : ' (index not updated)'}`;
}

export function renderIndexText(report: IndexReport): string {
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
