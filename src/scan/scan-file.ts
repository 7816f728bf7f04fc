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

/**
 * How much of a finding's line travels with it, on either side of the secret: more than
 * any report shows (maskLine keeps 160 characters). Findings cross from worker threads
 * by copy, and a minified line of megabytes can hold thousands of them.
 */
const LINE_CONTEXT = 200;

/** Plain data (no rule object, no RegExp), so results can cross from a worker thread. */
export function toFileFindings(findings: RawFinding[]): FileFinding[] {
  return findings.map(({ rule, secret, line, column, endLine, endColumn, lineText, otherSpans, entropy, suppressedBy, confidence, encoding, pair }) => {
    const from = Math.max(0, column - 1 - LINE_CONTEXT);
    const to = Math.min(lineText.length, (endLine === line ? endColumn - 1 : lineText.length) + LINE_CONTEXT);
    const inWindow = (offset: number): number => Math.min(Math.max(offset - from, 0), to - from);
    const others = otherSpans?.filter(([start, end]) => end > from && start < to).map(([start, end]) => [inWindow(start), inWindow(end)] as const);
    return {
      ruleId: rule.id, secret, line, column, endLine, endColumn, entropy, confidence,
      lineText: lineText.slice(from, to),
      ...(from > 0 ? { lineOffset: from } : {}),
      ...(others?.length ? { otherSpans: others } : {}),
      ...(suppressedBy ? { suppressedBy } : {}),
      ...(encoding ? { encoding } : {}),
      ...(pair ? { pair: { ruleId: pair.rule.id, secret: pair.secret, line: pair.line, column: pair.column } } : {}),
    };
  });
}

export function scanFile(target: ScanTarget, detector: Detector, maxFileSize: number): FileResult {
  const file = readFileBytes(target.absolute, target.shown, maxFileSize);
  if (isSkip(file)) return { target, bytes: 0, skip: file, findings: [] };
  const findings = file.utf16 ? detector.detect(decodeText(file.bytes)) : detector.detectBytes(file.bytes);
  return { target, bytes: file.bytes.length, findings: toFileFindings(findings) };
}
