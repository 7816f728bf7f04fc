/**
 * Findings in text that is not a version of a file in a work tree or a commit: standard
 * input, a commit's or a tag's message, a note, an object no ref reaches. The text is
 * reported under a label in angle brackets (`<stdin>`, `<commit message>`), which no
 * path allowlist matches; inline comments and the config's allowlists apply as anywhere.
 */
import { FindingStream, type ScanResult } from './result.js';
import { ScanLoop } from './scan-loop.js';
import { emptyStats, warnInto, prepareScan, type SetupOptions } from './setup.js';
import { now } from '../builtins.js';

/** A whole scan of one text under a label (a commit message before it is committed). */
export async function scanText(text: string, label: string, options: SetupOptions = {}): Promise<ScanResult> {
  const started = now();
  const setup = await prepareScan(options);
  const stats = emptyStats(setup.ruleCount);
  const found = new FindingStream(setup, (file) => file, options.onFinding);
  const warn = warnInto(stats, options.onWarning);
  new ScanLoop({ setup, stats, warn, onFinding: (finding) => found.add(finding) }).take({ kind: 'text', fragment: { path: label, text, startLine: 1 }, ownFile: true });
  return found.finish(stats, started);
}
