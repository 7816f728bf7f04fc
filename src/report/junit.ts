/**
 * `--format junit`: JUnit XML, for CI test reporters (GitLab's `artifacts:reports:junit`,
 * Jenkins, Azure Pipelines, the GitHub test-report actions). One test suite, `keyhound`;
 * one failing test case per finding; with no findings, one passing case, so a reporter
 * shows that the check ran. Suppressed findings (with --report-suppressed) are skipped cases.
 */
import { shortSha, type Finding } from '../findings/finding.js';
import { keyhoundVersion, shownLine, shownSecret, verificationText } from './common.js';
import { DRIVING } from './inert.js';
import { summaryLine } from './summary.js';
import type { Formatter } from './types.js';

/** Characters XML 1.0 cannot carry at all, not even as references; they become U+FFFD. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** A character as an XML character reference. */
const reference = (char: string): string => `&#${char.charCodeAt(0)};`;

/**
 * Text content: &, < and > escaped; CR kept as a reference, since a parser would turn it
 * into LF; terminal controls as references; and neither `##[` nor a line starting with
 * `::` left for a CI log to read as a workflow command (the same text to an XML reader).
 */
export function xmlText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;')
    // XML may carry these, but raw they would drive a terminal the report is printed to;
    // U+2028/2029 a parser may turn into a blank in an attribute.
    .replace(DRIVING, reference)
    .replace(/[\u2028\u2029]/g, reference)
    .replace(/##\[/g, '##&#91;')
    .replace(/^([ \t]*):/gm, '$1&#58;');
}

/** An attribute value in double quotes: also quotes, and tab/newline/CR as references so they survive normalisation. */
export function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values).map(([name, value]) => ` ${name}="${xmlAttr(String(value))}"`).join('');
}

function caseName(finding: Finding): string {
  const at = `${finding.ruleId} at ${finding.file}:${finding.line}:${finding.column}`;
  return finding.commit ? `${at} in commit ${shortSha(finding.commit.sha)}` : at;
}

function failureBody(finding: Finding, showSecrets: boolean): string {
  const lines = [
    `${finding.description} (${finding.ruleId}, ${finding.provider}, ${finding.severity})`,
    `location: ${finding.file}:${finding.line}:${finding.column} to ${finding.endLine}:${finding.endColumn}`,
    `secret:   ${shownSecret(finding, showSecrets)}`,
    `line:     ${shownLine(finding, showSecrets)}`,
  ];
  if (finding.commit) {
    const { sha, author, email, date, message } = finding.commit;
    lines.push(`commit:   ${sha} ${date} ${author} <${email}> ${message}`);
  }
  if (finding.verification) lines.push(`verified: ${verificationText(finding.verification)}`);
  lines.push(`fix:      ${finding.remediation}`, `fingerprint: ${finding.fingerprint}`);
  return lines.join('\n');
}

function testcase(finding: Finding, showSecrets: boolean): string {
  const head = `    <testcase${attrs({ classname: finding.file, name: caseName(finding), file: finding.file, line: finding.line, time: '0' })}>`;
  if (finding.suppressedBy) return `${head}\n      <skipped${attrs({ message: `suppressed by ${finding.suppressedBy}` })}/>\n    </testcase>`;
  const failure = `      <failure${attrs({ message: `${finding.description}: ${shownSecret(finding, showSecrets)}`, type: finding.severity })}>${xmlText(failureBody(finding, showSecrets))}</failure>`;
  return `${head}\n${failure}\n    </testcase>`;
}

export const formatJunit: Formatter = ({ findings, stats, suppressed, meta }, { showSecrets }) => {
  const skipped = suppressed ?? [];
  const cases = findings.length
    ? findings.map((finding) => testcase(finding, showSecrets))
    : [`    <testcase${attrs({ classname: 'keyhound', name: 'no secrets found', time: '0' })}/>`];
  cases.push(...skipped.map((finding) => testcase(finding, showSecrets)));
  const counts = { tests: cases.length, failures: findings.length, errors: 0, skipped: skipped.length, time: (stats.durationMs / 1000).toFixed(3) };
  const startedAt = meta?.startedAt ? new Date(Date.parse(meta.startedAt)) : undefined;
  const timestamp: Record<string, string> = startedAt && Number.isFinite(startedAt.getTime()) ? { timestamp: startedAt.toISOString().slice(0, 19) } : {};
  const properties = {
    'keyhound.version': keyhoundVersion(meta),
    files: stats.files,
    ...(stats.commits !== undefined ? { commits: stats.commits } : {}),
    bytes: stats.bytes,
    rules: stats.rules,
    ...(stats.suppressed ? { suppressed: stats.suppressed } : {}),
    ...Object.fromEntries(Object.entries(stats.skipped).map(([reason, count]) => [`skipped.${reason}`, count])),
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'keyhound', ...counts })}>`,
    `  <testsuite${attrs({ name: 'keyhound', ...counts, ...timestamp })}>`,
    '    <properties>',
    ...Object.entries(properties).map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
    ...cases,
    `    <system-out>${xmlText([summaryLine(findings, stats), ...stats.warnings.map((w) => `warning: ${w}`)].join('\n'))}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
};
