/**
 * What a binary file holds beyond text: a key store (recognised by content), or an
 * archive's files, nested archives and container images included. Every file found
 * inside goes through the detector as a file on disk would, named
 * `outer.zip!inner/path` (`image.tar:sha256:1a2b3c4d5e6f!path` in an image layer), so
 * every report shows where it is. Shared by the working-tree scan (and its workers) and
 * the diff modes; it reads nothing but the bytes it is given.
 */
import type { Detector } from '../engine/detect.js';
import { archiveFormat, archiveItems, isItemSkipped, isReadFormat, type ArchiveFormat, type ArchiveItem, type ExpansionBudget, type UnreadFormat } from '../sources/archives.js';
import { archiveBudget } from '../sources/byte-budget.js';
import { entryKey, imageLayout, shortDigest } from '../sources/image.js';
import { keyStoreLine, recogniseKeyStore } from '../sources/key-stores.js';
import { decodeText, hasUtf16Bom, isBinary } from '../sources/read-file.js';
import type { Skip, SkipReason } from '../sources/types.js';
import { toFileFindings, type FileFinding } from './file-findings.js';
import { countSkip, type ScanStats } from './setup.js';

/** Budgets for opening archives; plain data, so they cross to worker threads. */
export interface ArchiveLimits {
  /** Uncompressed bytes one archive (with what is nested in it) may expand to. */
  maxSize: number;
  /** Compressed : uncompressed beyond this (for more than a megabyte) is a bomb. */
  maxRatio: number;
  /** Archives inside archives: how many levels are opened. */
  maxDepth: number;
  /** The scan's budget of uncompressed bytes, shared by every thread (byte-budget.ts). */
  scanBudget: SharedArrayBuffer;
}

export interface ContentLimits {
  maxFileSize: number;
  /** Undefined: archives are not opened (counted as skipped: `archive`). */
  archives?: ArchiveLimits;
}

/** What was found inside one binary file. */
export interface Contents {
  /** Each names where it was found (`file`). */
  findings: FileFinding[];
  skipped: Skip[];
  /** Entries named to escape the archive (`../`): named, never extracted anywhere. */
  warnings: string[];
  /** Files scanned inside it (or 1, a key store), and their bytes. */
  files: number;
  bytes: number;
  /** Archives opened. */
  archives: number;
}

/** The contents of a binary file, or undefined when it is neither a key store nor an archive (an ordinary binary). */
export function scanContents(bytes: Buffer, shown: string, detector: Detector, limits: ContentLimits): Contents | undefined {
  if (!archiveFormat(bytes) && !recogniseKeyStore(bytes)) return undefined;
  const walk = new ContentsWalk(detector, limits);
  walk.file(bytes, shown, 0, undefined);
  return walk.contents;
}

/** Counts what a binary file held into the stats (its skips and warnings too); returns its findings. */
export function addContents(stats: ScanStats, contents: Contents, warn: (message: string) => void): FileFinding[] {
  stats.files += contents.files;
  stats.bytes += contents.bytes;
  if (contents.archives) stats.archives = (stats.archives ?? 0) + contents.archives;
  for (const { reason, warning } of contents.skipped) {
    countSkip(stats, reason);
    if (warning) warn(warning);
  }
  contents.warnings.forEach(warn);
  return contents.findings;
}

/** A name from inside an archive, printable: control characters (a newline, an escape sequence) shown as `\xNN`. */
export function printableName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** `../` anywhere, or an absolute path: a name that would land outside a directory it was extracted to. */
export function escapesArchive(name: string): boolean {
  return /(?:^|[\\/])\.\.(?:[\\/]|$)/.test(name) || /^(?:[\\/]|[A-Za-z]:)/.test(name);
}

class ContentsWalk {
  readonly contents: Contents = { findings: [], skipped: [], warnings: [], files: 0, bytes: 0, archives: 0 };

  constructor(
    private readonly detector: Detector,
    private readonly limits: ContentLimits,
  ) {}

  /** One file: an archive to open, a key store, text to scan, or a binary to count. */
  file(bytes: Buffer, path: string, depth: number, budget: ExpansionBudget | undefined): void {
    const format = archiveFormat(bytes);
    if (format) return this.archive(bytes, format, path, depth, budget);
    if (!hasUtf16Bom(bytes) && isBinary(bytes)) {
      const kind = recogniseKeyStore(bytes);
      if (!kind) return this.skip(path, 'binary');
      return this.found(this.detector.detect(keyStoreLine(kind, bytes)), path, 0);
    }
    if (bytes.length > this.limits.maxFileSize) return this.skip(path, 'too-large');
    this.found(hasUtf16Bom(bytes) ? this.detector.detect(decodeText(bytes)) : this.detector.detectBytes(bytes), path, bytes.length);
  }

  private found(findings: ReturnType<Detector['detect']>, path: string, bytes: number): void {
    this.contents.files += 1;
    this.contents.bytes += bytes;
    for (const finding of toFileFindings(findings)) this.contents.findings.push({ ...finding, file: path });
  }

  private skip(path: string, reason: SkipReason, warning?: string): void {
    this.contents.skipped.push({ path, reason, ...(warning ? { warning: `${path}: ${warning}` } : {}) });
  }

  private archive(bytes: Buffer, format: ArchiveFormat | UnreadFormat, path: string, depth: number, budget: ExpansionBudget | undefined): void {
    const archives = this.limits.archives;
    if (!archives) return this.skip(path, 'archive');
    if (!isReadFormat(format)) return this.skip(path, 'archive-unsupported');
    if (depth >= archives.maxDepth) return this.skip(path, 'archive-depth');
    const charged = budget ?? archiveBudget(archives.scanBudget, archives.maxSize, archives.maxRatio);
    this.contents.archives += 1;
    // Collected first, to tell an image by its entries; a tar's entries are views of it, a zip's are within the budget.
    const items = [...archiveItems(bytes, format, charged, path)];
    if (!this.image(items, path, depth, charged)) this.entries(items, path, depth, charged);
  }

  private entries(items: readonly ArchiveItem[], path: string, depth: number, budget: ExpansionBudget): void {
    for (const item of items) {
      const inner = `${path}!${printableName(entryKey(item.name))}`;
      if (escapesArchive(item.name)) {
        this.contents.warnings.push(`${inner}: the entry's name leads out of the archive (path traversal); read in memory only, as keyhound extracts nothing`);
      }
      if (isItemSkipped(item)) this.skip(inner, item.reason, item.warning);
      else this.file(item.bytes, inner, depth + 1, budget);
    }
  }

  /** A docker save or OCI layout tarball: its configs and layers instead of its raw entries. False for any other archive. */
  private image(items: readonly ArchiveItem[], path: string, depth: number, budget: ExpansionBudget): boolean {
    const entries = new Map(items.flatMap((item) => (isItemSkipped(item) ? [] : [[entryKey(item.name), item.bytes] as const])));
    const layout = entries.has('manifest.json') || entries.has('oci-layout') ? imageLayout(entries) : undefined;
    if (!layout) return false;
    for (const config of layout.configs) {
      // One line per variable, one per build step: a finding's line is its place in the list.
      for (const [part, lines] of [['Env', config.env], ['history', config.history]] as const) {
        const text = lines.join('\n');
        if (text) this.found(this.detector.detect(text), `${path}:${shortDigest(config.digest)}!<config ${part}>`, Buffer.byteLength(text));
      }
    }
    for (const missing of layout.missing) this.skip(`${path}!${printableName(missing)}`, 'unreadable', 'the image manifest names it, but the tarball does not hold it');
    for (const layer of layout.layers) {
      const at = `${path}:${shortDigest(layer.digest)}`;
      const format = archiveFormat(layer.bytes);
      if (format) this.archive(layer.bytes, format, at, depth + 1, budget);
      else this.skip(at, 'unreadable', 'an image layer that is not a tar');
    }
    return true;
  }
}
