/** Reads one file into a fragment, or says why it was skipped. */
import { lstatSync, readFileSync } from 'node:fs';
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
}

/**
 * `absolute` is read; `shown` is the path reported. Symlinks are not followed:
 * a link is scanned where its target lives, not twice.
 */
export function readFileBytes(absolute: string, shown: string, maxFileSize: number): FileBytes | Skip {
  try {
    const stat = lstatSync(absolute);
    if (stat.isSymbolicLink()) return { path: shown, reason: 'symlink' };
    if (!stat.isFile()) return { path: shown, reason: 'not-a-file' };
    if (stat.size > maxFileSize) return { path: shown, reason: 'too-large' };
    const bytes = readFileSync(absolute);
    if (bytes.length > maxFileSize) return { path: shown, reason: 'too-large' };
    const utf16 = hasUtf16Bom(bytes);
    if (!utf16 && isBinary(bytes)) return { path: shown, reason: 'binary' };
    return { path: shown, bytes, utf16 };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path: shown, reason: 'vanished', warning: `${shown}: vanished before it could be read` };
    if (code === 'EISDIR') return { path: shown, reason: 'not-a-file' };
    return { path: shown, reason: 'unreadable', warning: `${shown}: cannot read (${code ?? 'error'})` };
  }
}

export function isSkip(result: FileBytes | Skip): result is Skip {
  return 'reason' in result;
}
