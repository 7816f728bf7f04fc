/** Reads one file and runs the detector on it; shared by the main thread and the workers. */
import type { Detector } from '../engine/detect.js';
import type { RawFinding } from '../engine/types.js';
import type { Located } from '../findings.js';
import { decodeText, isSkip, readFileBytes } from '../sources/read-file.js';
import type { Skip } from '../sources/types.js';
import type { ScanTarget } from '../sources/worktree.js';

export interface FileFinding extends Located {
  ruleId: string;
}

export interface FileResult {
  target: ScanTarget;
  bytes: number;
  skip?: Skip;
  findings: FileFinding[];
}

/** Plain data (no rule object, no RegExp), so results can cross from a worker thread. */
export function toFileFindings(findings: RawFinding[]): FileFinding[] {
  return findings.map(({ rule, secret, line, column, endLine, endColumn, lineText, otherSpans, entropy, suppressedBy, confidence, encoding, pair }) => ({
    ruleId: rule.id, secret, line, column, endLine, endColumn, lineText, entropy, confidence,
    ...(otherSpans ? { otherSpans: otherSpans.map(([start, end]) => [start, end] as const) } : {}),
    ...(suppressedBy ? { suppressedBy } : {}),
    ...(encoding ? { encoding } : {}),
    ...(pair ? { pair: { ruleId: pair.rule.id, secret: pair.secret, line: pair.line, column: pair.column } } : {}),
  }));
}

export function scanText(text: string, detector: Detector): FileFinding[] {
  return toFileFindings(detector.detect(text));
}

export function scanFile(target: ScanTarget, detector: Detector, maxFileSize: number): FileResult {
  const file = readFileBytes(target.absolute, target.shown, maxFileSize);
  if (isSkip(file)) return { target, bytes: 0, skip: file, findings: [] };
  const findings = file.utf16 ? detector.detect(decodeText(file.bytes)) : detector.detectBytes(file.bytes);
  return { target, bytes: file.bytes.length, findings: toFileFindings(findings) };
}
