/** Reads one file into a fragment, or says why it was skipped. */
import { constants as bufferLimits } from 'node:buffer';
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { archiveFormat, FORMAT_PROBE } from './archives.js';
import type { Skip } from './types.js';

/** Git's own test: a NUL byte in the first 8 KiB means binary. */
const BINARY_PROBE = 8192;

export function isBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, BINARY_PROBE);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Decodes UTF-8, or UTF-16 when the file starts with a byte-order mark. */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString('utf8');
}

export function hasUtf16Bom(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/** A file's raw content: most files are never decoded, since the prefilter runs on bytes. */
export interface FileBytes {
  path: string;
  bytes: Buffer;
  /** UTF-16 (byte-order mark): must be decoded before detection. */
  utf16: boolean;
  /** Binary by git's test (and not UTF-16): a key store, an archive, or nothing to scan. */
  binary: boolean;
}

/**
 * The most bytes a file may have to be scanned, whatever --max-file-size says: V8's
 * longest string (512 MB), which the file's text must fit in.
 */
export const MAX_TEXT_BYTES = bufferLimits.MAX_STRING_LENGTH;

/** Opening never follows a symlink nor waits on a FIFO put in the file's place since it was listed. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * `absolute` is read; `shown` is the path reported. Symlinks are not followed:
 * a link is scanned where its target lives, not twice. Over `maxFileSize`, an archive
 * (by its first bytes) is still read up to `maxArchiveSize`, when given.
 */
export function readFileBytes(absolute: string, shown: string, maxFileSize: number, maxArchiveSize = 0): FileBytes | Skip {
  let fd: number | undefined;
  try {
    // lstat first: a device or FIFO is skipped without being opened.
    const listed = lstatSync(absolute);
    if (listed.isSymbolicLink()) return { path: shown, reason: 'symlink' };
    if (!listed.isFile()) return { path: shown, reason: 'not-a-file' };
    fd = openSync(absolute, OPEN_FLAGS);
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { path: shown, reason: 'not-a-file' };
    const limit = stat.size > maxFileSize && stat.size <= maxArchiveSize && isArchiveFile(fd) ? maxArchiveSize : maxFileSize;
    const tooLarge = sizeSkip(stat.size, shown, limit);
    if (tooLarge) return tooLarge;
    const bytes = readFileSync(fd);
    const grown = sizeSkip(bytes.length, shown, limit);
    if (grown) return grown;
    const utf16 = hasUtf16Bom(bytes);
    return { path: shown, bytes, utf16, binary: !utf16 && isBinary(bytes) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path: shown, reason: 'vanished', warning: `${shown}: vanished before it could be read` };
    if (code === 'EISDIR') return { path: shown, reason: 'not-a-file' };
    if (code === 'ELOOP') return { path: shown, reason: 'symlink' };
    return { path: shown, reason: 'unreadable', warning: `${shown}: cannot read (${code ?? 'error'})` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isArchiveFile(fd: number): boolean {
  const head = Buffer.alloc(FORMAT_PROBE);
  return archiveFormat(head.subarray(0, readSync(fd, head, 0, FORMAT_PROBE, 0))) !== undefined;
}

/** Over --max-file-size: an ordinary skip. Over what a string can hold: a skip the user hears about, having asked for more. */
function sizeSkip(size: number, shown: string, maxFileSize: number): Skip | undefined {
  if (size > maxFileSize) return { path: shown, reason: 'too-large' };
  if (size > MAX_TEXT_BYTES) {
    return { path: shown, reason: 'too-large', warning: `${shown}: ${Math.round(size / 1024 / 1024)} MB, more than one file's text can be (${Math.round(MAX_TEXT_BYTES / 1024 / 1024)} MB); skipped` };
  }
  return undefined;
}

export function isSkip(result: FileBytes | Skip): result is Skip {
  return 'reason' in result;
}
