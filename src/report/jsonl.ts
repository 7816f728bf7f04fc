/**
 * `--format jsonl`: one finding a line, each a JSON object as in the json report's
 * `findings` (suppressed ones too with --report-suppressed, each with `suppressedBy`).
 * No stats line: every line is a finding, so `wc -l` counts them and `jq -c` or a
 * line reader takes them one at a time; the summary goes to stderr as for json.
 */
import { withRawSecrets, type Finding } from '../findings/finding.js';
import { inertJson } from './inert.js';
import type { Formatter } from './types.js';

/** One finding as its line (without the line break). */
export function findingLine(finding: Finding, showSecrets: boolean): string {
  return inertJson(JSON.stringify(showSecrets ? withRawSecrets(finding) : finding));
}

export const formatJsonl: Formatter = ({ findings, suppressed }, { showSecrets }) =>
  [...findings, ...(suppressed ?? [])].map((finding) => `${findingLine(finding, showSecrets)}\n`).join('');
