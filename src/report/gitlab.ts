/**
 * `--format gitlab`: GitLab's secret detection report (`gl-secret-detection-report.json`,
 * schema 15.2.1), for `artifacts: reports: secret_detection:`. GitLab wants a commit for
 * every vulnerability: a history finding has its own; a working-tree finding gets
 * `meta.revision` (the HEAD the tree is at) or, without one, `0000000` as GitLab's own
 * analyzer writes it. No `raw_source_code_extract`: GitLab would keep the raw secret.
 * Suppressed findings are left out (GitLab has no such state); the scan messages say how many.
 */
import { createHash } from '../builtins.js';
import type { Severity } from '../engine/types.js';
import type { Finding } from '../findings/finding.js';
import { KEYHOUND_URL, keyhoundVersion, shownLine, shownSecret, verificationText } from './common.js';
import { inertJson } from './inert.js';
import type { Formatter } from './types.js';

export const GITLAB_SCHEMA_VERSION = '15.2.1';
export const GITLAB_SCHEMA = `https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v${GITLAB_SCHEMA_VERSION}/dist/secret-detection-report-format.json`;
/** What GitLab's own analyzer writes when there is no commit. */
export const NO_COMMIT = '0000000';

const SEVERITY: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

/** A stable UUID (version 8: hash-based) for one finding at one place. */
function findingId(finding: Finding, sha: string): string {
  const hex = createHash('sha256').update([finding.fingerprint, finding.file, finding.line, finding.column, sha].join('\0')).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A Markdown code span that nothing inside it can end, on one line. */
function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...Array.from(flat.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** GitLab's times: UTC, to the second, no zone. */
function gitlabTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export const formatGitlab: Formatter = ({ findings, stats, meta }, { showSecrets }) => {
  const version = keyhoundVersion(meta);
  const tool = { id: 'keyhound', name: 'keyhound', url: KEYHOUND_URL, vendor: { name: 'keyhound' }, version };
  const parsedStart = meta?.startedAt ? Date.parse(meta.startedAt) : NaN;
  // Without a start time from the caller, the scan is taken to have ended now.
  const start = Number.isFinite(parsedStart) ? parsedStart : Date.now() - stats.durationMs;

  const vulnerability = (finding: Finding) => {
    const sha = finding.commit?.sha ?? meta?.revision ?? NO_COMMIT;
    const secret = shownSecret(finding, showSecrets);
    const where = `${finding.file}:${finding.line}:${finding.column}`;
    return {
      id: findingId(finding, sha),
      category: 'secret_detection',
      name: finding.description.slice(0, 255),
      message: `${finding.description} in ${finding.file}`,
      description: [
        `${finding.description} (${finding.provider}) at ${code(where)}${finding.commit ? `, added in commit ${code(finding.commit.sha)}` : ''}.`,
        `Secret: ${code(secret)}`,
        `Line: ${code(shownLine(finding, showSecrets))}`,
        ...(finding.verification ? [`Provider says: ${verificationText(finding.verification)}`] : []),
      ].join('\n\n'),
      cve: `${finding.file}:${finding.fingerprint}:${finding.ruleId}`,
      severity: finding.informative ? 'Info' : SEVERITY[finding.severity],
      confidence: 'Unknown',
      solution: finding.remediation.slice(0, 7000),
      scanner: { id: 'keyhound', name: 'keyhound' },
      location: {
        file: finding.file,
        start_line: finding.line,
        end_line: finding.endLine,
        commit: finding.commit
          ? { sha, author: finding.commit.author, date: finding.commit.date, message: finding.commit.message }
          : { sha },
      },
      identifiers: [{ type: 'keyhound_rule_type', name: `keyhound rule ${finding.ruleId}`, value: finding.ruleId }],
      details: {
        secret: { name: showSecrets ? 'Secret' : 'Secret (redacted)', type: 'text', value: secret },
        line: { name: 'Line', type: 'code', value: shownLine(finding, showSecrets) },
        fingerprint: { name: 'Fingerprint', type: 'text', value: finding.fingerprint },
        ...(finding.commit ? { commit: { name: 'Commit', type: 'commit', value: finding.commit.sha } } : {}),
      },
    };
  };

  const messages = [
    ...stats.warnings.map((value) => ({ level: 'warn', value })),
    ...(stats.suppressed ? [{ level: 'info', value: `${stats.suppressed} suppressed finding(s) not reported` }] : []),
  ];
  const report = {
    version: GITLAB_SCHEMA_VERSION,
    schema: GITLAB_SCHEMA,
    scan: {
      analyzer: tool,
      scanner: tool,
      type: 'secret_detection',
      start_time: gitlabTime(start),
      end_time: gitlabTime(start + stats.durationMs),
      status: 'success',
      ...(messages.length ? { messages } : {}),
    },
    vulnerabilities: findings.map(vulnerability),
  };
  return `${inertJson(JSON.stringify(report, null, 2))}\n`;
};
