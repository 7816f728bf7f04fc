/** `--format json`: `{ version, findings, stats }`, documented in the README. */
import { withRawSecrets, type Finding } from '../findings/finding.js';
import { inertJson } from './inert.js';
import type { Formatter } from './types.js';

export const JSON_REPORT_VERSION = 1;

export const formatJson: Formatter = ({ findings, stats, suppressed, staleIgnores }, { showSecrets }) => {
  const shown = (list: Finding[]) => (showSecrets ? list.map(withRawSecrets) : list);
  return `${inertJson(JSON.stringify(
    {
      version: JSON_REPORT_VERSION,
      findings: shown(findings),
      stats,
      ...(suppressed ? { suppressed: shown(suppressed) } : {}),
      ...(staleIgnores ? { staleIgnores } : {}),
    },
    null,
    2,
  ))}\n`;
};
