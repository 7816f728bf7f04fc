/**
 * `--format sarif`: SARIF 2.1.0, as GitHub code scanning (`github/codeql-action/upload-sarif`)
 * and other SARIF viewers read it. One run; one rule per rule that has findings; one
 * result per finding, with keyhound's fingerprint as the partial fingerprint so an
 * alert keeps its identity when the line moves. Suppressed findings (with
 * --report-suppressed) are results carrying a `suppressions` entry.
 */
import type { Severity } from '../engine/types.js';
import { shortSha, type Finding } from '../findings/finding.js';
import { cleanUrl, KEYHOUND_URL, keyhoundVersion, shownSecret, suppressionKind, uriReference, verificationText } from './common.js';
import { inertJson } from './inert.js';
import type { Formatter } from './types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note';

export const SARIF_LEVEL: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/** GitHub sorts and labels alerts by this score: 9.0 and up is critical, 7.0 high, 4.0 medium, below that low. */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

/** `github-pat-classic` → `GithubPatClassic`: SARIF's readable rule name. */
function ruleName(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

/** Markdown that shows rule text as written: no emphasis, code, links or HTML from it. */
function markdownText(text: string): string {
  return text.replace(/[\\`*[\]<]/g, (c) => `\\${c}`);
}

function rule(finding: Finding) {
  const { ruleId, description, provider, severity, remediation } = finding;
  return {
    id: ruleId,
    name: ruleName(ruleId),
    shortDescription: { text: description },
    fullDescription: { text: `${description} (${provider}). Whoever holds a leaked credential has its access until it is revoked.` },
    help: {
      text: `How to fix: ${remediation}\n\nDeleting the secret from the code does not revoke it: rotate it first, then remove it (and purge it from the git history if it was pushed).`,
      markdown: `**How to fix:** ${markdownText(remediation)}\n\nDeleting the secret from the code does not revoke it: rotate it first, then remove it (and purge it from the git history if it was pushed).`,
    },
    defaultConfiguration: { level: SARIF_LEVEL[severity] },
    properties: { tags: ['security', 'secret'], 'security-severity': SECURITY_SEVERITY[severity], provider },
  };
}

function message(finding: Finding, showSecrets: boolean): string {
  const verified = finding.verification ? ` [provider says: ${verificationText(finding.verification)}]` : '';
  const text = `${finding.description}: ${shownSecret(finding, showSecrets)}${verified}`;
  if (!finding.commit) return text;
  const { sha, author, date } = finding.commit;
  return `${text} (added in commit ${shortSha(sha)} by ${author}, ${date})`;
}

export const formatSarif: Formatter = ({ findings, stats, suppressed, staleIgnores, meta }, { showSecrets }) => {
  const all = [...findings, ...(suppressed ?? [])];
  const ruleIds = [...new Set(all.map((finding) => finding.ruleId))].sort();
  const ruleIndex = new Map(ruleIds.map((id, index) => [id, index]));
  const rules = ruleIds.map((id) => rule(all.find((finding) => finding.ruleId === id)!));

  const result = (finding: Finding) => ({
    ruleId: finding.ruleId,
    ruleIndex: ruleIndex.get(finding.ruleId)!,
    // A note (a public key, a credential's user or host) is not a leak.
    level: finding.informative ? 'note' : SARIF_LEVEL[finding.severity],
    message: { text: message(finding, showSecrets) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uriReference(finding.file) },
          region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn },
        },
      },
    ],
    partialFingerprints: { 'keyhound/v1': finding.fingerprint },
    ...(finding.suppressedBy ? { suppressions: [{ kind: suppressionKind(finding.suppressedBy), justification: finding.suppressedBy }] } : {}),
    ...(finding.commit || finding.history || finding.verification
      ? {
          properties: {
            ...(finding.commit ? { commit: finding.commit } : {}),
            ...(finding.history ? { history: finding.history } : {}),
            ...(finding.verification ? { verification: finding.verification } : {}),
          },
        }
      : {}),
  });

  const runtime = stats.warnings.map((warning) => ({ level: 'warning', message: { text: warning } }));
  const configuration = (staleIgnores ?? []).map((entry) => ({
    level: 'note',
    message: { text: `ignore file line ${entry.line}: ${entry.fingerprint} matched nothing in this scan (stale entry)` },
  }));
  const startedAt = meta?.startedAt ? Date.parse(meta.startedAt) : NaN;
  const repositoryUri = cleanUrl(meta?.repositoryUrl);

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'keyhound', informationUri: KEYHOUND_URL, version: keyhoundVersion(meta), rules } },
        invocations: [
          {
            executionSuccessful: true,
            ...(meta?.command ? { commandLine: meta.command } : {}),
            ...(Number.isFinite(startedAt)
              ? { startTimeUtc: new Date(startedAt).toISOString(), endTimeUtc: new Date(startedAt + stats.durationMs).toISOString() }
              : {}),
            ...(runtime.length ? { toolExecutionNotifications: runtime } : {}),
            ...(configuration.length ? { toolConfigurationNotifications: configuration } : {}),
          },
        ],
        ...(repositoryUri ? { versionControlProvenance: [{ repositoryUri, ...(meta?.revision ? { revisionId: meta.revision } : {}) }] } : {}),
        columnKind: 'utf16CodeUnits',
        results: all.map(result),
        properties: { stats },
      },
    ],
  };
  return `${inertJson(JSON.stringify(log, null, 2))}\n`;
};
