/** Reads one file and runs the detector on it; shared by the main thread and the workers. */
import type { Detector } from '../engine/detect.js';
import { archiveFormat } from '../sources/archives.js';
import { decodeText, isSkip, readFileBytes } from '../sources/read-file.js';
import type { Skip } from '../sources/types.js';
import type { ScanTarget } from '../sources/worktree.js';
import { toFileFindings, type FileFinding } from './file-findings.js';
import { scanContents, type ContentLimits, type Contents } from './scan-contents.js';

export interface FileResult {
  target: ScanTarget;
  bytes: number;
  skip?: Skip;
  findings: FileFinding[];
  /** A binary file's contents: a key store, or an archive's files. */
  contents?: Contents;
}

export function scanFile(target: ScanTarget, detector: Detector, limits: ContentLimits): FileResult {
  const file = readFileBytes(target.absolute, target.shown, limits.maxFileSize, limits.archives?.maxSize);
  if (isSkip(file)) return { target, bytes: 0, skip: file, findings: [] };
  // A tiny gzip file may hold no NUL byte: an archive is never read as text.
  if (file.binary || archiveFormat(file.bytes)) {
    const contents = scanContents(file.bytes, target.shown, detector, limits);
    return contents ? { target, bytes: 0, findings: [], contents } : { target, bytes: 0, skip: { path: target.shown, reason: 'binary' }, findings: [] };
  }
  if (file.bytes.length > limits.maxFileSize) return { target, bytes: 0, skip: { path: target.shown, reason: 'too-large' }, findings: [] };
  const findings = file.utf16 ? detector.detect(decodeText(file.bytes)) : detector.detectBytes(file.bytes);
  return { target, bytes: file.bytes.length, findings: toFileFindings(findings) };
}
