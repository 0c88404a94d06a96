/**
 * Opening the roots index for a command, with the index's safety rules: a damaged or foreign
 * index in a place storegc chose (or one that says it is a storegc index) is removed and
 * rebuilt with a warning; a file the user named that is not a storegc index is refused, never
 * overwritten; an index that cannot be opened or written costs only a full scan.
 */
import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import type { Settings } from '../../config/settings.js';
import { StoregcError } from '../../errors.js';
import { display, fsPath } from '../../store/bytes.js';
import type { Finding } from '../types.js';
import { locateIndex } from './locateIndex.js';
import { IndexDamaged, INDEX_MAGIC, RootsIndex } from './rootsIndex.js';

export interface OpenedIndex {
  readonly index: RootsIndex | undefined;
  /** The file chosen (even if it could not be used). */
  readonly file: string | undefined;
  readonly findings: Finding[];
}

/** @param readonly for `index status` and `index verify`: never create or repair anything. */
export function openIndex(settings: Settings, readonly = false): OpenedIndex {
  const place = locateIndex(settings.index, settings.stateDir, settings.cacheHome, canWrite);
  const findings: Finding[] = [];
  const { file } = place;
  if (file === undefined) {
    if (settings.index.kind === 'default') {
      findings.push(unavailable(settings.stateDir, 'no writable place for the roots index (state dir or cache dir); scanning in full'));
    }
    return { index: undefined, file, findings };
  }
  if (readonly && !existsSync(fsPath(file))) return { index: undefined, file, findings };
  try {
    if (!readonly) mkdirSync(fsPath(dirOf(file)), { recursive: true });
    return { index: RootsIndex.open(file, settings.stateDir, readonly, settings.storeDir), file, findings };
  } catch (error) {
    if (!(error instanceof IndexDamaged)) {
      findings.push(unavailable(file, `cannot use the roots index (${(error as Error).message}); scanning in full`));
      return { index: undefined, file, findings };
    }
    if (readonly) throw new StoregcError('index-damaged', display(file), `unusable roots index (${error.message})`, 'run `storegc index rebuild` (or remove the file)');
    if (!place.owned && !isOurs(file)) {
      throw new StoregcError('index-foreign', display(file), 'not a storegc roots index; refusing to overwrite it', 'pass another --index FILE, or --no-index');
    }
    removeIndexFile(file);
    findings.push({ code: 'index-rebuilt', path: file, message: `roots index '${display(file)}' was unusable (${error.message}); rebuilding it` });
    return { index: RootsIndex.open(file, settings.stateDir, false, settings.storeDir), file, findings };
  }
}

export function unavailable(path: string, message: string): Finding {
  return { code: 'index-unavailable', path, message };
}

/** An empty file, or one whose meta table carries the storegc magic (whatever else is wrong). */
function isOurs(file: string): boolean {
  try {
    if (statSync(fsPath(file)).size === 0) return true;
    const db = new Database(display(file), { readonly: true, fileMustExist: true });
    try {
      return db.prepare("select value from meta where key = 'magic'").pluck().get() === INDEX_MAGIC;
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

function removeIndexFile(file: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(fsPath(file + suffix), { force: true });
}

/** Whether `file` could be created or updated: the file if it exists, else its nearest existing directory. */
export function canWrite(file: string): boolean {
  // The file itself if it exists, else the nearest existing directory above it.
  for (let p = file; p !== '/' && p !== ''; p = dirOf(p)) {
    try {
      accessSync(fsPath(p), constants.W_OK);
      return p === file || statSync(fsPath(p)).isDirectory();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    }
  }
  return false;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
