/**
 * How the graph cache file (its format: cacheFile.ts) is read: mapped where it is large enough
 * and the machine can (store/mapFile.ts), its arrays used in place; the header and the graph at
 * once, the rows only when asked for (the file read again then, and checked); or both sections
 * read and checked on another thread while the caller queries the database (`soon`).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mapFile } from '../../store/mapFile.js';
import { crcFileOnThread, crcOnThread } from '../../store/threadJobs.js';
import type { CachedRows } from './cachedRows.js';
import { CacheDamaged, decodeRows, parse } from './cacheFile.js';
import type { CacheContent, GraphSection, Section, Source } from './cacheFile.js';
import { SectionOnThread } from './rowsOnThread.js';

/**
 * The rows, and the graph section when it was not read at first, being read on another thread
 * (rowsOnThread.ts): `take` them once (checked against their checksums), or `close`.
 */
export interface SectionsSoon {
  take(): { readonly graph?: Buffer; readonly rows: CachedRows };
  close(): void;
}

/**
 * The cache in `file`, its graph read now if `graphNow` says so given the header's database
 * fingerprint (else by `soon`), the rows only if asked for (the file is read again then, at each
 * call: nothing here keeps them, so the caller can let them go).
 */
export function openCacheFile(path: string | Buffer, graphNow: (fingerprint: string | undefined) => boolean = () => true, mapFrom = MAP_FROM): CacheContent & { soon(fromBytes?: number): SectionsSoon } {
  const { section, graphSection, mapping, ...content } = withFile(path, (source) => ({ ...parse(source, graphNow), mapping: source.mapping }), mapFrom);
  const withGraph = content.hasGraph && content.graph === undefined;
  const onThread = (fromBytes: number): boolean => section.length + (withGraph ? graphSection.length : 0) >= fromBytes;
  return {
    ...content,
    rows: () => rowsAgain(path, content.key, mapFrom),
    soon: (fromBytes = ON_THREAD_FROM) => {
      if (mapping !== undefined) return onThread(fromBytes) ? sectionsChecked(path, mapping, section, withGraph ? graphSection : undefined) : sectionsIn(mapping, withGraph);
      return onThread(fromBytes) ? sectionsSoon(path, content.key, withGraph) : sectionsHere(path, content.key, withGraph, mapFrom);
    },
  };
}

/** SectionsSoon of a file mapped when it was opened (its content never changes), checked here when taken. */
function sectionsIn(mapping: Buffer, withGraph: boolean): SectionsSoon {
  return {
    take: () => {
      const content = parse(mappedSource(mapping), withGraph);
      return { ...(content.graph === undefined ? {} : { graph: content.graph }), rows: content.rows() };
    },
    close: () => undefined,
  };
}

/**
 * `sectionsIn` with the checksums computed on another thread from now on (it reads the same
 * file, same device and inode, through a buffer of its own), while the caller queries the
 * database: taken, the sections are views of the mapping, used once their CRCs match.
 */
function sectionsChecked(path: string | Buffer, mapping: Buffer, section: Section, graphSection: GraphSection | undefined): SectionsSoon {
  const rowsBytes = mapping.subarray(section.at, section.at + section.length);
  const graphBytes = graphSection === undefined ? undefined : mapping.subarray(graphSection.at, graphSection.at + graphSection.length);
  // Checked on a plain thread of the native helper's where it can (no worker to boot): the file
  // read through the thread's own buffer, so that only the pages the run touches are resident
  // here; the mapping itself if the file is another by now.
  const ranges = [...(graphSection === undefined ? [] : [{ at: graphSection.at, length: graphSection.length, seed: graphSection.crc }]), { at: section.at, length: section.length, seed: 0 }];
  const job = crcFileOnThread(path, section.dev, section.ino, ranges)
    ?? crcOnThread(graphBytes === undefined ? [rowsBytes] : [graphBytes, rowsBytes], graphSection === undefined ? [0] : [graphSection.crc, 0]);
  if (job !== undefined) {
    return {
      take: () => {
        const crcs = job.take();
        if (crcs[crcs.length - 1] !== section.crc || (graphSection !== undefined && crcs[0] !== graphSection.check)) throw new CacheDamaged('checksum mismatch (torn or damaged file)');
        return { ...(graphBytes === undefined ? {} : { graph: graphBytes }), rows: decodeRows(rowsBytes, section) };
      },
      close: () => undefined,
    };
  }
  const rowsPart = { at: section.at, length: section.length };
  const thread = new SectionOnThread({ path, dev: section.dev, ino: section.ino, sections: graphSection === undefined ? [rowsPart] : [graphSection, rowsPart], checkOnly: true });
  return {
    take: () => {
      const read = thread.take();
      if (read === undefined) return sectionsIn(mapping, graphSection !== undefined).take();
      if (read[read.length - 1]!.crc !== section.crc || (graphSection !== undefined && read[0]!.crc !== graphSection.check)) throw new CacheDamaged('checksum mismatch (torn or damaged file)');
      const graph = graphSection === undefined ? undefined : mapping.subarray(graphSection.at, graphSection.at + graphSection.length);
      return { ...(graph === undefined ? {} : { graph }), rows: decodeRows(mapping.subarray(section.at, section.at + section.length), section) };
    },
    close: () => thread.close(),
  };
}

/** A mapped file as a Source: views of it. */
function mappedSource(mapping: Buffer, dev?: bigint, ino?: bigint): Source {
  return {
    size: mapping.length, mapping, ...(dev === undefined ? {} : { dev }), ...(ino === undefined ? {} : { ino }),
    read: (at, length) => {
      if (at + length > mapping.length) throw new CacheDamaged('checksum mismatch (torn or damaged file: shorter than it was)');
      return mapping.subarray(at, at + length);
    },
  };
}

/** Cache files from this size are mapped (store/mapFile.ts), where the machine can: a smaller one is read at once. */
export const MAP_FROM = 1 << 20;

/**
 * Sections smaller than this together are read on the calling thread: starting a thread costs
 * about what reading 8 MiB does (about 25,000 paths' rows).
 */
const ON_THREAD_FROM = 8 << 20;

/** SectionsSoon on this thread, when they are taken. */
function sectionsHere(path: string | Buffer, key: string, withGraph: boolean, mapFrom = MAP_FROM): SectionsSoon {
  return { take: () => graphAndRowsAgain(path, key, withGraph, mapFrom), close: () => undefined };
}

/**
 * `sectionsHere` with the bytes read and checked on another thread from now on, while the
 * caller queries the database; read here when the thread cannot (or the file was replaced
 * meanwhile).
 */
function sectionsSoon(path: string | Buffer, key: string, withGraph: boolean): SectionsSoon {
  let found: { section: Section; graphSection: GraphSection };
  try {
    found = withFile(path, (source) => {
      const content = parse(source, false);
      if (content.key !== key) throw new CacheDamaged('replaced while being read');
      return content;
    });
  } catch {
    // Said again, as rowsAgain says it, when the rows are taken.
    return sectionsHere(path, key, withGraph);
  }
  const { section, graphSection } = found;
  const rowsPart = { at: section.at, length: section.length };
  const thread = new SectionOnThread({ path, dev: section.dev, ino: section.ino, sections: withGraph ? [graphSection, rowsPart] : [rowsPart] });
  return {
    take: () => {
      const read = thread.take();
      if (read === undefined) return sectionsHere(path, key, withGraph).take();
      const rows = read[read.length - 1]!;
      if (rows.crc !== section.crc || (withGraph && read[0]!.crc !== graphSection.check)) throw new CacheDamaged('checksum mismatch (torn or damaged file)');
      return { ...(withGraph ? { graph: read[0]!.body } : {}), rows: decodeRows(rows.body, section) };
    },
    close: () => thread.close(),
  };
}



/** The rows of the file, which must still hold the content named `key`. */
function rowsAgain(path: string | Buffer, key: string, mapFrom = MAP_FROM): CachedRows {
  return graphAndRowsAgain(path, key, false, mapFrom).rows;
}

/** The rows, and with `withGraph` the graph section checked, of the file, which must still hold the content named `key`. */
function graphAndRowsAgain(path: string | Buffer, key: string, withGraph: boolean, mapFrom = MAP_FROM): { graph?: Buffer; rows: CachedRows } {
  try {
    return withFile(path, (source) => {
      // Without the graph, its stored name alone says whether this is still the file first
      // read (the rows have their own checksum, checked when read).
      const content = parse(source, withGraph);
      if (content.key !== key) throw new CacheDamaged('replaced while being read');
      return { ...(content.graph === undefined ? {} : { graph: content.graph }), rows: content.rows() };
    }, mapFrom);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw code === undefined ? error : new CacheDamaged(`cannot be read again (${code})`);
  }
}

/** @param mapFrom files from this size are mapped where the machine can (store/mapFile.ts); smaller ones are read. */
function withFile<T>(path: string | Buffer, use: (source: Source) => T, mapFrom = MAP_FROM): T {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd, { bigint: true });
    const size = Number(st.size);
    // Views of the mapping, at the file's own offsets (sections start at multiples of 8).
    const mapping = size >= mapFrom ? mapFile(fd, size) : undefined;
    if (mapping !== undefined) return use(mappedSource(mapping, st.dev, st.ino));
    // Each section in a buffer of its own (offset 0): its typed arrays can be used in place.
    const read = (at: number, length: number): Buffer => {
      const out = Buffer.allocUnsafeSlow(length);
      for (let done = 0; done < length;) {
        const n = readSync(fd, out, done, length - done, at + done);
        if (n === 0) throw new CacheDamaged('checksum mismatch (torn or damaged file: shorter than it was)');
        done += n;
      }
      return out;
    };
    return use({ size, dev: st.dev, ino: st.ino, read });
  } finally {
    closeSync(fd);
  }
}
