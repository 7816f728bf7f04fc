/** `--format json`: `{ version, findings, stats }`, documented in the README. */
import { rawSecret } from '../findings.js';
import type { Formatter } from './types.js';

export const JSON_REPORT_VERSION = 1;

export const formatJson: Formatter = ({ findings, stats }, { showSecrets }) =>
  `${JSON.stringify(
    {
      version: JSON_REPORT_VERSION,
      findings: findings.map((finding) => (showSecrets ? { ...finding, secret: rawSecret(finding) } : finding)),
      stats,
    },
    null,
    2,
  )}\n`;
