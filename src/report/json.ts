/** `--format json`: `{ version, repository?, revision?, findings, stats }`, documented in the README. */
import { withRawSecrets, type Finding } from '../findings/finding.js';
import { inertJson } from './inert.js';
import type { Formatter } from './types.js';

export const JSON_REPORT_VERSION = 1;

export const formatJson: Formatter = ({ findings, stats, suppressed, staleIgnores, meta }, { showSecrets }) => {
  const shown = (list: Finding[]) => (showSecrets ? list.map(withRawSecrets) : list);
  return `${inertJson(JSON.stringify(
    {
      version: JSON_REPORT_VERSION,
      ...(meta?.repository ? { repository: meta.repository } : {}),
      ...(meta?.revision ? { revision: meta.revision } : {}),
      findings: shown(findings),
      stats,
      ...(suppressed ? { suppressed: shown(suppressed) } : {}),
      ...(staleIgnores ? { staleIgnores } : {}),
    },
    null,
    2,
  ))}\n`;
};
