/**
 * `--format csv`: RFC 4180 (comma-separated, CRLF line ends, a header row, fields quoted
 * when they hold a quote, comma or line break). A text field that a spreadsheet would
 * run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe.
 * Terminal escapes are shown as text and no line of a field starts a CI workflow command
 * (report/inert.ts), so the file is safe to print too.
 * With --report-suppressed, a last column `suppressedBy` is added and suppressed
 * findings follow the reported ones.
 */
import type { Finding } from '../findings/finding.js';
import { shownSecret, verificationText } from './common.js';
import { inertKeepingLines } from './inert.js';
import type { Formatter } from './types.js';

export const CSV_COLUMNS = [
  'ruleId', 'provider', 'severity', 'file', 'line', 'column', 'endLine', 'endColumn',
  'secret', 'fingerprint', 'commit', 'author', 'date', 'description', 'verification',
] as const;

/** One field: numbers as they are; text made inert, guarded against formula injection, then quoted if it needs it. */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const text = inertKeepingLines(value);
  const guarded = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

function row(finding: Finding, showSecrets: boolean): Array<string | number> {
  return [
    finding.ruleId, finding.provider, finding.severity, finding.file,
    finding.line, finding.column, finding.endLine, finding.endColumn,
    shownSecret(finding, showSecrets), finding.fingerprint,
    finding.commit?.sha ?? '', finding.commit?.author ?? '', finding.commit?.date ?? '',
    finding.description,
    finding.verification ? verificationText(finding.verification) : '',
  ];
}

export const formatCsv: Formatter = ({ findings, suppressed }, { showSecrets }) => {
  const header: string[] = [...CSV_COLUMNS];
  let rows = findings.map((finding) => row(finding, showSecrets));
  if (suppressed) {
    header.push('suppressedBy');
    rows = [...rows.map((cells) => [...cells, '']), ...suppressed.map((finding) => [...row(finding, showSecrets), finding.suppressedBy ?? ''])];
  }
  return [header, ...rows].map((cells) => `${cells.map(csvField).join(',')}\r\n`).join('');
};
