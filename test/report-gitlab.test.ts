/**
 * GitLab secret detection report: carries every field GitLab's secret-detection report
 * schema (15.x) requires — written out below from GitLab's documentation, since no
 * package ships the schema — and never a raw secret.
 */
import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { formatGitlab, GITLAB_SCHEMA_VERSION, NO_COMMIT } from '../src/report/gitlab.js';
import type { ReportInput } from '../src/report/types.js';
import { hiddenParts, META, reportInput, reportInputWithSuppressed } from './fixtures/report-input.js';

/** The parts of GitLab's secret-detection report schema (15.x) that it requires. */
const schema = {
  type: 'object',
  required: ['version', 'vulnerabilities', 'scan'],
  properties: {
    version: { type: 'string', pattern: '^15\\.' },
    vulnerabilities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'identifiers', 'location'],
        properties: {
          id: { type: 'string', minLength: 1 },
          name: { type: 'string', maxLength: 255 },
          description: { type: 'string', maxLength: 1048576 },
          severity: { enum: ['Info', 'Unknown', 'Low', 'Medium', 'High', 'Critical'] },
          identifiers: {
            type: 'array', minItems: 1,
            items: { type: 'object', required: ['type', 'name', 'value'], properties: { type: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 }, value: { type: 'string', minLength: 1 } } },
          },
          location: {
            type: 'object', required: ['commit'],
            properties: { file: { type: 'string', minLength: 1 }, start_line: { type: 'integer' }, end_line: { type: 'integer' }, commit: { type: 'object', required: ['sha'], properties: { sha: { type: 'string', minLength: 1 } } } },
          },
        },
      },
    },
    scan: {
      type: 'object',
      required: ['analyzer', 'scanner', 'type', 'start_time', 'end_time', 'status'],
      properties: {
        analyzer: { type: 'object', required: ['id', 'name', 'version', 'vendor'] },
        scanner: { type: 'object', required: ['id', 'name', 'version', 'vendor'] },
        type: { const: 'secret_detection' },
        start_time: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$' },
        end_time: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$' },
        status: { enum: ['success', 'failure'] },
      },
    },
  },
};
// A CommonJS module: under Node's ES module rules its class is the module's `default`.
const ajv = new AjvModule.default({ strict: false, allErrors: true });
const validate = ajv.compile(schema);

const redacted = { showSecrets: false, color: false };

interface Vulnerability {
  id: string;
  category: string;
  name: string;
  message: string;
  description: string;
  cve: string;
  severity: string;
  confidence: string;
  solution: string;
  scanner: { id: string; name: string };
  location: { file: string; start_line: number; end_line: number; commit: { sha: string; author?: string; date?: string; message?: string } };
  identifiers: Array<{ type: string; name: string; value: string }>;
  details: Record<string, { name: string; type: string; value: string }>;
}

interface GitlabReport {
  version: string;
  schema: string;
  scan: { analyzer: Record<string, unknown>; scanner: Record<string, unknown>; type: string; start_time: string; end_time: string; status: string; messages?: unknown[] };
  vulnerabilities: Vulnerability[];
}

function gitlab(input: ReportInput, showSecrets = false): GitlabReport {
  const report = JSON.parse(formatGitlab(input, { ...redacted, showSecrets })) as GitlabReport;
  if (!validate(report)) throw new Error(`GitLab would reject this report: ${ajv.errorsText(validate.errors)}`);
  return report;
}

describe('gitlab', () => {
  it('is valid against GitLab\'s secret detection schema, and declares that version', () => {
    const report = gitlab(reportInput());
    expect(report.version).toBe(GITLAB_SCHEMA_VERSION);
    gitlab(reportInputWithSuppressed());
    gitlab(reportInput(), true);
    gitlab({ findings: [], stats: { files: 0, bytes: 0, rules: 1, findings: 0, durationMs: 0, skipped: {}, warnings: [] } });
  });

  it('the schema check is real: a vulnerability without a commit fails it', () => {
    const report = gitlab(reportInput()) as unknown as { vulnerabilities: Array<{ location: Record<string, unknown> }> };
    delete report.vulnerabilities[0]!.location.commit;
    expect(validate(report)).toBe(false);
  });

  it('describes the scan: keyhound as analyzer and scanner, secret_detection, times from the start and duration', () => {
    const { scan } = gitlab(reportInput());
    expect(scan).toMatchObject({
      type: 'secret_detection',
      status: 'success',
      start_time: '2024-05-06T07:08:09',
      end_time: '2024-05-06T07:08:10',
      analyzer: { id: 'keyhound', name: 'keyhound', version: '0.1.0-test', vendor: { name: 'keyhound' } },
      scanner: { id: 'keyhound', name: 'keyhound', version: '0.1.0-test', vendor: { name: 'keyhound' } },
      messages: [{ level: 'warn', value: 'shallow clone: commits before 2024-01-01 were not scanned' }],
    });
  });

  it('has one vulnerability per finding with the fields GitLab shows', () => {
    const input = reportInput();
    const { vulnerabilities } = gitlab(input);
    expect(vulnerabilities).toHaveLength(input.findings.length);
    expect(vulnerabilities.map((v) => v.severity)).toEqual(['Critical', 'High', 'Critical', 'Critical', 'Medium', 'Low']);
    const [github] = vulnerabilities;
    expect(github).toMatchObject({
      category: 'secret_detection',
      name: 'GitHub personal access token (classic)',
      cve: `src/app.js:${input.findings[0]!.fingerprint}:github-pat-classic`,
      confidence: 'Unknown',
      solution: input.findings[0]!.remediation,
      scanner: { id: 'keyhound', name: 'keyhound' },
      location: { file: 'src/app.js', start_line: 2, end_line: 2, commit: { sha: META.revision } },
      identifiers: [{ type: 'keyhound_rule_type', name: 'keyhound rule github-pat-classic', value: 'github-pat-classic' }],
    });
    expect(github!.description).toContain(input.findings[0]!.secret);
    expect(vulnerabilities[3]!.location).toMatchObject({ file: 'keys/deploy.pem', start_line: 1, end_line: 5 });
    for (const v of vulnerabilities) expect(v.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(vulnerabilities.map((v) => v.id)).size).toBe(vulnerabilities.length);
  });

  it('gives a history finding its own commit, a working-tree finding the revision, or 0000000 without one', () => {
    const input = reportInput();
    const withRevision = gitlab(input).vulnerabilities;
    expect(withRevision[2]!.location.commit).toEqual({
      sha: '3f2a9c1d5e7b4a6f8d0c2e4b6a8f1d3c5e7a9b0c', author: 'Dana Developer', date: '2024-01-02T03:04:05Z', message: 'Add payment settings',
    });
    const { meta: _meta, ...bare } = reportInput();
    const without = gitlab(bare).vulnerabilities;
    expect(without[0]!.location.commit).toEqual({ sha: NO_COMMIT });
    expect(without[2]!.location.commit.sha).toBe('3f2a9c1d5e7b4a6f8d0c2e4b6a8f1d3c5e7a9b0c');
  });

  it('without a start time, ends the scan now', () => {
    const { meta: _meta, ...bare } = reportInput();
    const before = Date.now();
    const { scan } = gitlab(bare);
    const end = Date.parse(`${scan.end_time}Z`);
    expect(end).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(end).toBeLessThanOrEqual(Date.now());
  });

  it('never includes raw_source_code_extract, nor a raw secret unless --show-secrets', () => {
    const input = reportInputWithSuppressed();
    const text = formatGitlab(input, redacted);
    expect(text).not.toContain('raw_source_code_extract');
    for (const part of hiddenParts([...input.findings, ...input.suppressed!])) expect(text).not.toContain(part);
    // Suppressed findings are not vulnerabilities; the messages count them.
    const report = gitlab(input);
    expect(report.vulnerabilities).toHaveLength(input.findings.length);
    expect(report.scan.messages).toContainEqual({ level: 'info', value: '2 suppressed finding(s) not reported' });
    expect(formatGitlab(reportInput(), { ...redacted, showSecrets: true })).not.toContain('raw_source_code_extract');
  });

  it('keeps Markdown in the description inside code spans', () => {
    const input = reportInput();
    input.findings[0]!.file = 'a`b``c [x](http://evil) @all.md';
    const { description } = gitlab(input).vulnerabilities[0]!;
    expect(description).toContain('```a`b``c [x](http://evil) @all.md:2:17```');
  });
});
