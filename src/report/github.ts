/**
 * `--format github`: GitHub Actions workflow commands. One `::error` (critical, high) or
 * `::warning` (medium, low) annotation per finding, shown on the file in the run and the
 * pull request, then a plain summary line. Paths must be relative to the repository root
 * for GitHub to place the annotation (run keyhound from the root). GitHub shows at most
 * 10 error and 10 warning annotations per step; every finding is still in the log.
 */
import { shortSha, type Finding } from '../findings/finding.js';
import { shownSecret, verificationText } from './common.js';
import { inert, inertInCommand } from './inert.js';
import { summaryLine } from './summary.js';
import type { Formatter } from './types.js';

/** Escaping for a command's message (GitHub's `escapeData`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping for a property value (GitHub's `escapeProperty`): also `:` and `,`, which delimit properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(finding: Finding, showSecrets: boolean): string {
  const command = finding.informative ? 'notice' : finding.severity === 'critical' || finding.severity === 'high' ? 'error' : 'warning';
  const properties = {
    file: finding.file,
    line: finding.line,
    col: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    title: finding.ruleId,
  };
  const commit = finding.commit ? ` Added in commit ${shortSha(finding.commit.sha)} by ${finding.commit.author} (${finding.commit.date}).` : '';
  const verified = finding.verification ? ` Provider says: ${verificationText(finding.verification)}.` : '';
  const message = `${finding.description} (${finding.provider}, ${finding.severity}): ${shownSecret(finding, showSecrets)}.${commit}${verified}\nHow to fix: ${finding.remediation}`;
  // Line breaks are escaped as GitHub unescapes them (%0A); terminal escapes must not reach the log at all.
  const props = Object.entries(properties).map(([name, value]) => `${name}=${escapeProperty(inertInCommand(String(value)))}`).join(',');
  return `::${command} ${props}::${escapeData(inertInCommand(message))}`;
}

export const formatGithub: Formatter = ({ findings, stats, suppressed }, { showSecrets }) => {
  const lines = findings.map((finding) => annotation(finding, showSecrets));
  // Suppressed findings and warnings are listed, not annotated: plain lines, where the
  // runner still reads the old `##[command]` syntax anywhere; inert defuses it.
  for (const finding of suppressed ?? []) {
    lines.push(`keyhound: suppressed ${inert(`${finding.file}:${finding.line}:${finding.column} ${finding.ruleId} by ${finding.suppressedBy ?? ''}`)}`);
  }
  for (const warning of stats.warnings) lines.push(`keyhound: warning: ${inert(warning)}`);
  lines.push(`keyhound: ${findings.length ? '✖' : '✔'} ${summaryLine(findings, stats)}`);
  return `${lines.join('\n')}\n`;
};
