/**
 * Findings in text that is not a version of a file in a work tree or a commit: standard
 * input, a commit's or a tag's message, a note, an object no ref reaches. The text is
 * reported under a label in angle brackets (`<stdin>`, `<commit message>`), which no
 * path allowlist matches; inline comments and the config's allowlists apply as anywhere.
 */
import { makeFinding, type Finding } from '../findings/finding.js';
import type { CommitInfo } from '../findings/finding.js';
import { finishScan, type ScanResult } from './result.js';
import { toFileFindings } from './scan-file.js';
import { countSkip, emptyStats, prepareScan, type ScanSetup, type ScanStats, type SetupOptions } from './setup.js';

export function findingsInText(setup: ScanSetup, stats: ScanStats, text: string, label: string, commit?: CommitInfo): Finding[] {
  if (text.length > setup.maxFileSize) {
    countSkip(stats, 'too-large');
    return [];
  }
  stats.bytes += Buffer.byteLength(text);
  const { detector, byId } = setup.ruleset;
  return toFileFindings(detector.detect(text)).map((raw) => makeFinding(byId.get(raw.ruleId)!, raw, label, 1, commit));
}

/** A whole scan of one text under a label (a commit message before it is committed). */
export async function scanText(text: string, label: string, options: SetupOptions = {}): Promise<ScanResult> {
  const started = performance.now();
  const setup = await prepareScan(options);
  const stats = emptyStats(setup.ruleCount);
  stats.files = 1;
  return finishScan(findingsInText(setup, stats, text, label), setup, stats, started, (file) => file);
}
