/**
 * Archives read in memory, never extracted: zip (and jar, war, apk, whl… which are zip),
 * tar, and gzip (a tar.gz is one archive: the tar's entries). Entries come out as
 * Buffers; a tar's entries are views of the tar, a zip's are inflated one at a time.
 *
 * Everything an archive says about itself is checked before it costs memory: a zip
 * entry's declared size against the budget and the compression-ratio limit, and zlib is
 * told the most it may produce (`maxOutputLength`), so a lying header or a zip bomb ends
 * as a counted skip, never as unbounded memory.
 */
import { gunzipSync, inflateRawSync } from '../builtins.js';
import type { SkipReason } from './types.js';

/** Formats read here. */
export type ArchiveFormat = 'zip' | 'tar' | 'gzip';
/** Formats recognised but not read (no well-kept library, or Node cannot): counted as skipped. */
export type UnreadFormat = 'bzip2' | 'xz' | 'zstd' | '7z' | 'rar';

const MAGIC: ReadonlyArray<[ArchiveFormat | UnreadFormat, number[]]> = [
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['zip', [0x50, 0x4b, 0x05, 0x06]], // an empty zip: only the end record
  ['gzip', [0x1f, 0x8b, 0x08]],
  ['bzip2', [0x42, 0x5a, 0x68]], // "BZh", then the block size and the block magic
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['rar', [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
];

/** Bytes of a file's start that `archiveFormat` needs (a tar's magic is at 257). */
export const FORMAT_PROBE = 512;

/** What a file's first bytes say it is, if an archive. */
export function archiveFormat(bytes: Uint8Array): ArchiveFormat | UnreadFormat | undefined {
  for (const [format, magic] of MAGIC) if (magic.every((byte, i) => bytes[i] === byte)) return format === 'bzip2' && !isBzip2(bytes) ? undefined : format;
  return isTarHeader(bytes, 0) ? 'tar' : undefined;
}

function isBzip2(bytes: Uint8Array): boolean {
  const level = bytes[3] ?? 0;
  return level >= 0x31 && level <= 0x39 && Buffer.from(bytes.subarray(4, 10)).toString('latin1') === '1AY&SY';
}

/** A file inside an archive, or why it was not read. */
export type ArchiveItem = { name: string; bytes: Buffer } | { name: string; reason: SkipReason; warning?: string };

/**
 * Where expanded bytes are charged: the archive's own budget and the scan's. Says why
 * not when a charge would go over one.
 */
export interface ExpansionBudget {
  /** Compressed : uncompressed beyond this (above RATIO_FLOOR) is taken for a bomb. */
  maxRatio: number;
  /** The most bytes that can still be charged. */
  remaining(): number;
  /** Charges the bytes, or (charging nothing) names the budget they would go over. */
  charge(bytes: number): SkipReason | undefined;
}

/** Below this, a high ratio is harmless (a file of blank lines compresses 1000:1): the budget bounds it. */
export const RATIO_FLOOR = 1024 * 1024;

export function isReadFormat(format: ArchiveFormat | UnreadFormat): format is ArchiveFormat {
  return format === 'zip' || format === 'tar' || format === 'gzip';
}

export function isItemSkipped(item: ArchiveItem): item is { name: string; reason: SkipReason; warning?: string } {
  return 'reason' in item;
}

/** The archive's entries (regular files only) in stored order. `name`: what a gzip'd file is called when its header does not say. */
export function* archiveItems(bytes: Buffer, format: ArchiveFormat, budget: ExpansionBudget, name: string): Generator<ArchiveItem> {
  if (format === 'zip') yield* zipItems(bytes, budget);
  else if (format === 'tar') yield* tarItems(bytes, budget);
  else yield* gzipItems(bytes, budget, name);
}

// ---------------------------------------------------------------- gzip

function* gzipItems(bytes: Buffer, budget: ExpansionBudget, name: string): Generator<ArchiveItem> {
  const inner = (gzipName(bytes) ?? name.replace(/\.(t?gz|gzip)$/i, (ext) => (ext.toLowerCase() === '.tgz' ? '.tar' : ''))).replace(/^.*[/\\]/, '');
  const ratioCap = Math.max(RATIO_FLOOR, budget.maxRatio * bytes.length);
  const cap = Math.min(ratioCap, budget.remaining());
  let output: Buffer;
  try {
    output = gunzipSync(bytes, { maxOutputLength: Math.max(1, cap) });
  } catch (error) {
    // Over the cap: the ratio, or else whichever budget set it (a charge over it names that one and charges nothing).
    if (error instanceof RangeError) yield { name: inner, reason: cap === ratioCap ? 'archive-ratio' : (budget.charge(cap + 1) ?? 'archive-too-large') };
    else yield { name: inner, reason: 'unreadable', warning: `not valid gzip (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    return;
  }
  const over = budget.charge(output.length);
  if (over) return void (yield { name: inner, reason: over });
  // A .tar.gz is one archive: its entries are the tar's.
  if (isTarHeader(output, 0)) yield* tarItems(output, { maxRatio: budget.maxRatio, remaining: () => budget.remaining(), charge: () => undefined });
  else yield { name: inner, bytes: output };
}

/** The original file name a gzip header may carry (FNAME). */
function gzipName(bytes: Buffer): string | undefined {
  const flags = bytes[3] ?? 0;
  if (!(flags & 0x08)) return undefined;
  let at = 10;
  if (flags & 0x04) at += 2 + bytes.readUInt16LE(at);
  const end = bytes.indexOf(0, at);
  return end > at ? bytes.subarray(at, end).toString('latin1') : undefined;
}

// ---------------------------------------------------------------- tar

const BLOCK = 512;

function octal(field: Buffer): number {
  // GNU base-256 for sizes of 8 GB and more: never within a budget, so read as too large.
  if ((field[0] ?? 0) & 0x80) return Number.MAX_SAFE_INTEGER;
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

/** A ustar (POSIX or GNU) header at `at` whose checksum is right. */
function isTarHeader(bytes: Uint8Array, at: number): boolean {
  if (bytes.length < at + BLOCK) return false;
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + at, BLOCK);
  if (header.toString('latin1', 257, 262) !== 'ustar') return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum === octal(header.subarray(148, 156));
}

function field(header: Buffer, from: number, to: number): string {
  const bytes = header.subarray(from, to);
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

/** PAX records: `<length> <key>=<value>\n`. */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number.parseInt(data.toString('latin1', at, space), 10);
    if (space === -1 || !(length > 0)) break;
    const record = data.toString('utf8', space + 1, at + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
}

const TAR_SKIPS: Record<string, SkipReason> = { '1': 'symlink', '2': 'symlink', '3': 'not-a-file', '4': 'not-a-file', '6': 'not-a-file' };

function* tarItems(bytes: Buffer, budget: ExpansionBudget): Generator<ArchiveItem> {
  let at = 0;
  let longName: string | undefined;
  let pax = new Map<string, string>();
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) return;
    if (!isTarHeader(bytes, at)) {
      yield { name: longName ?? field(header, 0, 100), reason: 'unreadable', warning: 'a tar header is damaged; the rest of the archive was not read' };
      return;
    }
    const type = String.fromCharCode(header[156]!) || '0';
    const size = Number(pax.get('size') ?? octal(header.subarray(124, 136)));
    const start = at + BLOCK;
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    const prefix = field(header, 345, 500);
    const name = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    if (start + size > bytes.length) {
      yield { name, reason: 'unreadable', warning: 'the archive ends inside this entry (truncated)' };
      return;
    }
    const data = bytes.subarray(start, start + size);
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      pax = paxRecords(data);
      continue;
    }
    longName = undefined;
    pax = new Map();
    if (type === 'g' || type === 'K' || type === '5') continue;
    const skip = TAR_SKIPS[type];
    if (skip) {
      yield { name, reason: skip };
      continue;
    }
    const over = budget.charge(size);
    yield over ? { name, reason: over } : { name, bytes: data };
  }
}

// ---------------------------------------------------------------- zip

const ZIP_END = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
const MAX_COMMENT = 0xffff;

interface CentralEntry {
  name: string;
  method: number;
  encrypted: boolean;
  symlink: boolean;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The central directory's place and size, from the end record (and its zip64 form). */
function zipDirectory(bytes: Buffer): { offset: number; count: number } | undefined {
  const from = Math.max(0, bytes.length - 22 - MAX_COMMENT);
  for (let at = bytes.length - 22; at >= from; at--) {
    if (bytes.readUInt32LE(at) !== ZIP_END) continue;
    const count = bytes.readUInt16LE(at + 10);
    const offset = bytes.readUInt32LE(at + 16);
    if (count !== 0xffff && offset !== 0xffffffff) return { offset, count };
    const locator = at - 20;
    if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR) return undefined;
    const end = Number(bytes.readBigUInt64LE(locator + 8));
    if (end + 56 > bytes.length || bytes.readUInt32LE(end) !== ZIP64_END) return undefined;
    return { count: Number(bytes.readBigUInt64LE(end + 32)), offset: Number(bytes.readBigUInt64LE(end + 48)) };
  }
  return undefined;
}

/** Sizes and offset too large for 32 bits are in the zip64 extra field, in this order. */
function zip64Values(extra: Buffer, entry: CentralEntry): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let value = at + 4;
      const next = (): number | undefined => (value + 8 <= at + 4 + length ? Number(extra.readBigUInt64LE((value += 8) - 8)) : undefined);
      if (entry.size === 0xffffffff) entry.size = next() ?? entry.size;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize;
      if (entry.localOffset === 0xffffffff) entry.localOffset = next() ?? entry.localOffset;
      return;
    }
    at += 4 + length;
  }
}

function* centralEntries(bytes: Buffer, offset: number, count: number): Generator<CentralEntry | undefined> {
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL) return void (yield undefined);
    const flags = bytes.readUInt16LE(at + 8);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const unixMode = bytes.readUInt32LE(at + 38) >>> 16;
    const entry: CentralEntry = {
      name: bytes.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength),
      method: bytes.readUInt16LE(at + 10),
      encrypted: (flags & 0x1) !== 0,
      symlink: (unixMode & 0o170000) === 0o120000,
      compressedSize: bytes.readUInt32LE(at + 20),
      size: bytes.readUInt32LE(at + 24),
      localOffset: bytes.readUInt32LE(at + 42),
    };
    zip64Values(bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry);
    at += 46 + nameLength + extraLength + commentLength;
    yield entry;
  }
}

function* zipItems(bytes: Buffer, budget: ExpansionBudget): Generator<ArchiveItem> {
  const directory = zipDirectory(bytes);
  if (!directory) return void (yield { name: '', reason: 'unreadable', warning: 'not a readable zip (no central directory)' });
  for (const entry of centralEntries(bytes, directory.offset, directory.count)) {
    if (!entry) return void (yield { name: '', reason: 'unreadable', warning: 'the zip directory is damaged; the rest of the archive was not read' });
    if (entry.name.endsWith('/')) continue;
    yield zipItem(bytes, entry, budget);
  }
}

function zipItem(bytes: Buffer, entry: CentralEntry, budget: ExpansionBudget): ArchiveItem {
  const { name, size, compressedSize } = entry;
  if (entry.symlink) return { name, reason: 'symlink' };
  if (entry.encrypted || (entry.method !== STORED && entry.method !== DEFLATED)) return { name, reason: 'archive-unsupported' };
  if (size > RATIO_FLOOR && size > budget.maxRatio * compressedSize) return { name, reason: 'archive-ratio' };
  const local = entry.localOffset;
  if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== LOCAL) return { name, reason: 'unreadable', warning: 'its local header is missing' };
  const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
  if (start + compressedSize > bytes.length) return { name, reason: 'unreadable', warning: 'the archive ends inside this entry (truncated)' };
  const over = budget.charge(size);
  if (over) return { name, reason: over };
  const data = bytes.subarray(start, start + compressedSize);
  if (entry.method === STORED) return { name, bytes: data };
  try {
    // Never more than the entry says it holds: a header that lies about its size fails here.
    const inflated = inflateRawSync(data, { maxOutputLength: Math.max(1, size) });
    return inflated.length === size ? { name, bytes: inflated } : { name, reason: 'unreadable', warning: 'inflates to a size other than its header says' };
  } catch (error) {
    const why = error instanceof RangeError ? 'inflates to more than its header says' : `not valid deflate data (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    return { name, reason: 'unreadable', warning: why };
  }
}
