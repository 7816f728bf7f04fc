/**
 * SARIF: valid against the SARIF 2.1.0 JSON Schema (as shipped in @microsoft/jest-sarif),
 * and carrying what GitHub code scanning reads: rule levels and security-severity,
 * fingerprints, regions, commits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawSecret } from '../src/findings/finding.js';
import { formatSarif } from '../src/report/sarif.js';
import type { ReportInput } from '../src/report/types.js';
import { COMMIT, hiddenParts, reportInput, reportInputWithSuppressed } from './fixtures/report-input.js';
import { validSarif, type SarifLog } from './helpers/sarif.js';

const redacted = { showSecrets: false, color: false };

function sarif(input: ReportInput, showSecrets = false): SarifLog {
  return validSarif(formatSarif(input, { ...redacted, showSecrets }));
}

describe('sarif', () => {
  it('is valid SARIF 2.1.0: a full result, an empty one, one with suppressions, and with --show-secrets', () => {
    sarif(reportInput());
    sarif(reportInputWithSuppressed());
    sarif(reportInput(), true);
    sarif({ findings: [], stats: { files: 0, bytes: 0, rules: 221, findings: 0, durationMs: 3, skipped: {}, warnings: [] } });
  });

  it('the schema check is real: a broken log fails it', () => {
    const log = sarif(reportInput()) as unknown as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(() => validSarif(JSON.stringify(log))).toThrow(/not valid SARIF 2\.1\.0/);
    const bad = sarif(reportInput()) as unknown as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }> };
    bad.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0;
    expect(() => validSarif(JSON.stringify(bad))).toThrow(/not valid SARIF 2\.1\.0/);
  });

  it('describes keyhound and one rule per rule with findings, with level and security-severity from the severity', () => {
    const [run] = sarif(reportInput()).runs;
    expect(run!.tool.driver).toMatchObject({ name: 'keyhound', version: '0.1.0-test', informationUri: 'https://github.com/keyhound/keyhound' });
    const rules = Object.fromEntries(run!.tool.driver.rules.map((rule) => [rule.id, rule]));
    expect(Object.keys(rules)).toEqual(['acme-api-key', 'aws-access-key-id', 'generic-secret-assignment', 'github-pat-classic', 'pem-private-key', 'stripe-live-secret-key']);
    expect(rules['github-pat-classic']).toMatchObject({
      name: 'GithubPatClassic',
      shortDescription: { text: 'GitHub personal access token (classic)' },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security', 'secret'], 'security-severity': '9.5' },
    });
    expect(rules['github-pat-classic']!.help.text).toContain('https://github.com/settings/tokens');
    expect(rules['github-pat-classic']!.help.markdown).toContain('**How to fix:**');
    expect(rules['aws-access-key-id']).toMatchObject({ defaultConfiguration: { level: 'error' }, properties: { 'security-severity': '8.0' } });
    expect(rules['generic-secret-assignment']).toMatchObject({ defaultConfiguration: { level: 'warning' }, properties: { 'security-severity': '5.5' } });
    expect(rules['acme-api-key']).toMatchObject({ defaultConfiguration: { level: 'note' }, properties: { 'security-severity': '3.0' } });
    // Markdown from a rule's text cannot open a tag or a link.
    expect(rules['acme-api-key']!.help.markdown).toContain('\\<sandbox>');
  });

  it('has one result per finding, pointing at its rule, region and fingerprint', () => {
    const input = reportInput();
    const [run] = sarif(input).runs;
    expect(run!.results).toHaveLength(input.findings.length);
    run!.results.forEach((result, i) => {
      const finding = input.findings[i]!;
      expect(run!.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
      expect(result).toMatchObject({
        ruleId: finding.ruleId,
        message: { text: expect.stringContaining(finding.secret) },
        partialFingerprints: { 'keyhound/v1': finding.fingerprint },
      });
      expect(result.locations[0].physicalLocation.region).toEqual({
        startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn,
      });
    });
    const pem = run!.results.find((result) => result.ruleId === 'pem-private-key')!;
    expect(pem.locations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 1, endLine: 5, endColumn: 30 });
  });

  it('writes paths as relative URI references with forward slashes', () => {
    const uris = sarif(reportInput()).runs[0]!.results.map((result) => result.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toEqual(['src/app.js', 'deploy/prod%20settings.env', 'config/payments.yaml', 'keys/deploy.pem', 'docs/setup%2C%20%22notes%22.md', '@ops/acme.cfg']);
    const input = reportInput();
    input.findings[0]!.file = './a b/#c?d%e/ü.js';
    expect(sarif(input).runs[0]!.results[0]!.locations[0].physicalLocation.artifactLocation.uri).toBe('a%20b/%23c%3Fd%25e/%C3%BC.js');
  });

  it('puts a history finding\'s commit in the result properties and message', () => {
    const stripe = sarif(reportInput()).runs[0]!.results.find((result) => result.ruleId === 'stripe-live-secret-key')!;
    expect(stripe.properties.commit).toEqual(COMMIT);
    expect(stripe.properties.history).toMatchObject({ commits: 2, presentAtHead: false });
    expect(stripe.message.text).toContain('added in commit 3f2a9c1d5e7b by Dana Developer');
  });

  it('records the run: command, times, warnings, repository without credentials', () => {
    const input = reportInput();
    // Built here, so that no URL with a password sits in this file for keyhound to find.
    input.meta = { ...input.meta, repositoryUrl: ['https://user', 'hunter2@github.com/example/shop.git?x=1#y'].join(':') };
    const [run] = sarif(input).runs;
    expect(run!.invocations[0]).toMatchObject({
      executionSuccessful: true,
      commandLine: 'keyhound history --format html',
      startTimeUtc: '2024-05-06T07:08:09.000Z',
      endTimeUtc: '2024-05-06T07:08:10.234Z',
      toolExecutionNotifications: [{ level: 'warning', message: { text: 'shallow clone: commits before 2024-01-01 were not scanned' } }],
    });
    expect(run!.versionControlProvenance).toEqual([{ repositoryUri: 'https://github.com/example/shop', revisionId: input.meta.revision }]);
    expect(JSON.stringify(run)).not.toContain('hunter2');
  });

  it('works without meta: the version comes from package.json', () => {
    const { meta: _meta, ...input } = reportInput();
    const [run] = sarif(input).runs;
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as { version: string };
    expect(run!.tool.driver.version).toBe(pkg.version);
    expect(run!.invocations[0]).toEqual({ executionSuccessful: true, toolExecutionNotifications: expect.any(Array) });
    expect(run).not.toHaveProperty('versionControlProvenance');
  });

  it('marks suppressed findings with a suppression: in source for a comment, external otherwise', () => {
    const input = reportInputWithSuppressed();
    const [run] = sarif(input).runs;
    expect(run!.results).toHaveLength(input.findings.length + 2);
    const suppressed = run!.results.filter((result) => result.suppressions);
    expect(suppressed.map((result) => result.suppressions)).toEqual([
      [{ kind: 'inSource', justification: 'inline comment "keyhound:allow"' }],
      [{ kind: 'external', justification: '.keyhoundignore:3 (rotated in March)' }],
    ]);
    expect(run!.invocations[0]!.toolConfigurationNotifications[0].message.text).toContain('0123456789abcdef0123456789abcdef');
  });

  it('has the raw secret only with --show-secrets', () => {
    const input = reportInput();
    const out = formatSarif(input, redacted);
    for (const part of hiddenParts(input.findings)) expect(out).not.toContain(part);
    const shown = formatSarif(input, { ...redacted, showSecrets: true });
    expect(shown).toContain(JSON.stringify(rawSecret(input.findings[3]!)).slice(1, -1));
  });
});
