/**
 * Every report format against its golden file (test/golden/report.*), and the promise
 * they all keep: a raw secret appears only with --show-secrets. The golden files hold
 * redacted secrets only; keyhound scans them with the rest of its repository.
 */
import { describe, expect, it } from 'vitest';
import { rawSecret } from '../src/findings/finding.js';
import { FORMAT_NAMES, FORMATTERS } from '../src/report/index.js';
import { allFindings, hiddenParts, reportInput, reportInputWithSuppressed } from './fixtures/report-input.js';
import { tempDir, writeTree } from './helpers/cli.js';
import { run } from './helpers/run.js';
import { fakeKeys } from './helpers/keys.js';

const GOLDEN: Record<string, string> = {
  sarif: 'report.sarif',
  junit: 'report.junit.xml',
  csv: 'report.csv',
  gitlab: 'report.gitlab.json',
  github: 'report.github.txt',
  html: 'report.html',
};

const NEW_FORMATS = Object.keys(GOLDEN) as Array<keyof typeof FORMATTERS>;
const redacted = { showSecrets: false, color: false };
const raw = { showSecrets: true, color: false };

describe('report formats', () => {
  it('are all in the registry, so --format NAME reaches them', () => {
    expect(FORMAT_NAMES).toEqual(expect.arrayContaining(['text', 'json', ...NEW_FORMATS]));
  });

  for (const name of NEW_FORMATS) {
    describe(name, () => {
      it('matches its golden file', async () => {
        await expect(FORMATTERS[name](reportInput(), redacted)).toMatchFileSnapshot(`golden/${GOLDEN[name]}`);
      });

      it('is a pure function of its input', () => {
        const input = reportInput();
        const before = JSON.stringify(input);
        expect(FORMATTERS[name](input, redacted)).toBe(FORMATTERS[name](reportInput(), redacted));
        expect(JSON.stringify(input)).toBe(before);
      });
    });
  }

  for (const name of FORMAT_NAMES) {
    it(`${name}: no raw secret, nor the hidden part of one, without --show-secrets`, () => {
      const input = reportInputWithSuppressed();
      const out = FORMATTERS[name](input, redacted);
      for (const part of hiddenParts(allFindings(input))) expect(out).not.toContain(part);
    });

    it(`${name}: what the provider said about a verified credential`, () => {
      const input = reportInput();
      input.findings[0]!.verification = { status: 'live', checkedAt: '2026-12-03T10:00:00.000Z', identity: { login: 'octo-deployer' } };
      input.findings[1]!.verification = { status: 'unknown', checkedAt: '2026-12-03T10:00:01.000Z', reason: 'the verification budget ran out' };
      const out = FORMATTERS[name](input, redacted);
      for (const shown of ['live', 'octo-deployer', '2026-12-03T10:00:00.000Z', 'the verification budget ran out']) expect(out).toContain(shown);
      expect(FORMATTERS[name](reportInput(), redacted)).not.toContain('octo-deployer');
    });

    it(`${name}: the raw secret with --show-secrets`, () => {
      const input = reportInput();
      const out = FORMATTERS[name](input, raw);
      // Every format shows each single-line secret as it is.
      for (const finding of input.findings.filter((f) => !rawSecret(f).includes('\n'))) expect(out).toContain(rawSecret(finding));
    });
  }
});

describe('keyhound scan --format NAME', () => {
  const keys = fakeKeys(44);
  for (const name of NEW_FORMATS) {
    it(`${name}: writes the report and exits 1 on a leak, with the secret redacted`, async () => {
      const dir = tempDir();
      writeTree(dir, { 'src/config.js': `export const token = "${keys.github}";\n` });
      const { code, stdout, stderr } = await run(['scan', '.', '--format', name], { cwd: dir });
      expect(code).toBe(1);
      expect(stderr).not.toContain(keys.github);
      expect(stdout).toContain('github-pat-classic');
      expect(stdout).toContain('src/config.js');
      expect(stdout).not.toContain(keys.github);
      expect(stdout).not.toContain(keys.github.slice(8));
    });
  }

  it('a clean scan exits 0 in every format', async () => {
    const dir = tempDir();
    writeTree(dir, { 'README.md': 'nothing to see\n' });
    for (const name of NEW_FORMATS) expect((await run(['scan', '.', '--format', name], { cwd: dir })).code).toBe(0);
  });
});

describe('text', () => {
  it('shows each finding\'s fingerprint, each fix once however many findings share it, and the ways out of a false alarm', () => {
    const input = reportInput();
    // Three findings of one rule (leaky-repo has 13 of one) and a note.
    input.findings.push({ ...input.findings[0]!, line: 20 }, { ...input.findings[0]!, line: 30 });
    Object.assign(input.findings[5]!, { informative: true });
    const out = FORMATTERS.text(input, redacted);
    for (const finding of input.findings) expect(out).toContain(`  secret  ${finding.secret}  fingerprint ${finding.fingerprint}`);
    for (const finding of input.findings.slice(0, 5)) expect(out.split(finding.remediation)).toHaveLength(2);
    expect(out).toContain(`How to fix (rotate first: a leaked key works until it is revoked):\n  github-pat-classic\n    ${input.findings[0]!.remediation}\n`);
    // The note's rule has no fix of its own: rotating the credential it goes with is the fix.
    expect(out).not.toContain(input.findings[5]!.remediation);
    expect(out).toMatch(/ \(acme, low, note\)\n/);
    expect(out).toContain('keyhound ignore FINGERPRINT --reason "why"');
  });
});
