/**
 * Findings in text that is not a version of a file in a work tree or a commit: standard
 * input, a commit's or a tag's message, a note, an object no ref reaches. The text is
 * reported under a label in angle brackets (`<stdin>`, `<commit message>`), which no
 * path allowlist matches; inline comments and the config's allowlists apply as anywhere.
 */
import type { Finding } from '../findings/finding.js';
import type { Fragment } from '../sources/types.js';
import { finishScan, type ScanResult } from './result.js';
import { placeFindings, toFileFindings } from './file-findings.js';
import { countSkip, emptyStats, prepareScan, type ScanSetup, type ScanStats, type SetupOptions } from './setup.js';

export function findingsInText(setup: ScanSetup, stats: ScanStats, fragment: Fragment): Finding[] {
  if (fragment.text.length > setup.maxFileSize) {
    countSkip(stats, 'too-large');
    return [];
  }
  stats.bytes += Buffer.byteLength(fragment.text);
  const { detector, byId } = setup.ruleset;
  return placeFindings(toFileFindings(detector.detect(fragment.text)), fragment, byId);
}

/** A whole scan of one text under a label (a commit message before it is committed). */
export async function scanText(text: string, label: string, options: SetupOptions = {}): Promise<ScanResult> {
  const started = performance.now();
  const setup = await prepareScan(options);
  const stats = emptyStats(setup.ruleCount);
  stats.files = 1;
  return finishScan(findingsInText(setup, stats, { path: label, text, startLine: 1 }), setup, stats, started, (file) => file);
}
