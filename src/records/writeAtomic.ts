/**
 * Replaces a file atomically: the new content goes to a temporary file in the same directory
 * (same file system, so rename(2) is atomic), is fsynced, then renamed over the target, and the
 * directory is fsynced. A reader (node_exporter) sees the old file or the new one, never a part;
 * a crash before the rename leaves the old file and a temporary `.NAME.tmp-PID` that the textfile
 * collector ignores (it reads only `*.prom`) and the next write by another process removes.
 */
import { closeSync, constants, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { crashPoint } from '../collect/crashPoint.js';
import { StoregcError, errnoOf } from '../errors.js';
import { processAlive } from './processAlive.js';


/** Temporary files of earlier writers that died before their rename. */
function removeStaleTemps(dir: string, base: string): void {
  const prefix = `.${base}.tmp-`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isSafeInteger(pid) && pid !== process.pid && !processAlive(pid)) {
      try {
        unlinkSync(`${dir}/${name}`);
      } catch {
        // another writer removed it first
      }
    }
  }
}

/** @param flag the option that named the file, for the error message. */
export function writeFileAtomic(file: string, content: string, flag: string): void {
  const dir = dirname(file);
  const tmp = `${dir}/.${basename(file)}.tmp-${process.pid}`;
  try {
    removeStaleTemps(dir, basename(file));
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    crashPoint('metrics-written');
    renameSync(tmp, file);
    const d = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // not created, or already renamed
    }
    throw new StoregcError('io', file, `${flag}: cannot write (${errnoOf(error) ?? String(error)})`, 'check that its directory exists and is writable');
  }
}

/** Renders nothing itself: writes the metrics text for `--metrics-file`. */
export function writeMetricsFile(file: string, text: string): void {
  writeFileAtomic(file, text, '--metrics-file');
}
