/** Reads one file and runs the detector on it; shared by the main thread and the workers. */
import type { Detector } from '../engine/detect.js';
import type { Located } from '../findings.js';
import { isSkip, readFileFragment } from '../sources/read-file.js';
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

export function scanText(text: string, detector: Detector): FileFinding[] {
  return detector.detect(text).map(({ rule, secret, line, column, endLine, endColumn, lineText, entropy }) => ({
    ruleId: rule.id, secret, line, column, endLine, endColumn, lineText, entropy,
  }));
}

export function scanFile(target: ScanTarget, detector: Detector, maxFileSize: number): FileResult {
  const fragment = readFileFragment(target.absolute, target.shown, maxFileSize);
  if (isSkip(fragment)) return { target, bytes: 0, skip: fragment, findings: [] };
  return { target, bytes: Buffer.byteLength(fragment.text), findings: scanText(fragment.text, detector) };
}
