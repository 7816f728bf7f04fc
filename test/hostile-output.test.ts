/**
 * A scanned repository chooses file names, file content, commit subjects and author
 * names, and its own config chooses rule texts: none of it may drive the terminal a
 * report is read in (escape sequences) or the CI log it lands in (GitHub's workflow
 * commands), in any format. Machine formats keep the exact text for their readers.
 */
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { builtinRuleFiles } from '../src/rules/builtin-rules.js';
import { makeFinding } from '../src/findings/finding.js';
import { FORMAT_NAMES, FORMATTERS, type FormatName } from '../src/report/index.js';
import type { ReportInput } from '../src/report/types.js';
import { compileRuleset } from '../src/scan/ruleset.js';
import { toFileFindings } from '../src/scan/file-findings.js';
import { gitIn, initRepo, tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

const HOSTILE: Record<string, string> = {
  'clear screen, cursor home': '\u001b[2J\u001b[1;1H',
  'OSC 52 clipboard write': '\u001b]52;c;ZWNobyBwd25lZA==\u0007',
  'OSC 8 hyperlink': '\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\',
  'C1 control sequence introducer': '\u009b31m',
  'right-to-left override': '\u202egnp.exe',
  'workflow command at the start': '::error file=a.js::forged',
  'workflow command after a line break': '\n::error file=a.js::forged',
  'stop-commands after CR LF': '\r\n::stop-commands::tok',
  'old-syntax add-mask': '##[add-mask]everything',
  'encoded line break': '%0A::set-output name=x::y',
  'Unicode line separator': '\u2028::warning::x',
};

/** What must not appear raw in any report: terminal controls, bidi controls, `##[`. */
const DRIVING = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** keyhound's own colours in the text report, the only escapes it may print. */
const OWN_COLOURS = /\u001b\[(?:1|22|31|32|33|36|39)m/g;

/** The lines a CI runner reads (it splits at CR, LF and CR LF), blanks trimmed at the start. */
function logLines(output: string): string[] {
  return output.split(/\r\n|\r|\n/).map((line) => line.trimStart());
}

/** Checks one report: nothing drives a terminal, and no line is a workflow command keyhound did not mean. */
function expectInert(format: FormatName, output: string, findings: number): void {
  expect(output.replace(OWN_COLOURS, ''), format).not.toMatch(DRIVING);
  expect(output, format).not.toContain('##[');
  const commands = logLines(output).filter((line) => line.startsWith('::'));
  if (format === 'github') expect(commands.map((line) => /^::(error|warning) file=/.test(line)), format).toEqual(Array(findings).fill(true));
  else expect(commands, format).toEqual([]);
}

const ruleset = compileRuleset({ files: await builtinRuleFiles(), disabled: [], allowlist: { regexes: [], lines: [], stopwords: [] }, ruleAllowlists: {} });

/**
 * A history finding and a working-tree one whose every field from outside holds the
 * hostile text (the working-tree one's file name starts its line in the text report),
 * a suppressed finding, a warning and a stale ignore entry.
 */
function hostileInput(hostile: string): ReportInput {
  const key = fakeKeys(61).github;
  const [raw] = toFileFindings(ruleset.detector.detect(`token ${hostile} = "${key}" ${hostile}\n`));
  const commit = { sha: '3f2a9c1d5e7b4a6f8d0c2e4b6a8f1d3c5e7a9b0c', author: `Eve ${hostile}`, email: 'eve@example.com', date: '2024-01-02T03:04:05Z', message: `subject ${hostile}` };
  const findings = [makeFinding(ruleset.byId.get(raw!.ruleId)!, raw!, `${hostile}.txt`, 1, commit), makeFinding(ruleset.byId.get(raw!.ruleId)!, raw!, `${hostile}.txt`, 1)];
  for (const finding of findings) Object.assign(finding, { description: `described ${hostile}`, remediation: `fix ${hostile}` });
  const suppressed = makeFinding(ruleset.byId.get(raw!.ruleId)!, raw!, `${hostile}/other.txt`, 1);
  suppressed.suppressedBy = `allowlist path ${hostile}`;
  return {
    findings,
    suppressed: [suppressed],
    staleIgnores: [{ fingerprint: '0123456789abcdef0123456789abcdef', line: 2, comment: `note ${hostile}` }],
    stats: { files: 2, commits: 1, bytes: 10, rules: 1, findings: 2, suppressed: 1, durationMs: 1, skipped: {}, warnings: [`${hostile}: cannot read (EACCES)`] },
  };
}

describe('hostile names and content', () => {
  for (const [name, hostile] of Object.entries(HOSTILE)) {
    describe(name, () => {
      for (const format of FORMAT_NAMES) {
        it(`${format}: drive neither a terminal nor a CI log`, () => {
          for (const color of format === 'text' ? [false, true] : [false]) {
            expectInert(format, FORMATTERS[format](hostileInput(hostile), { showSecrets: false, color }), 2);
          }
        });
      }

      it('json, sarif and gitlab keep the exact text for their readers; junit stays well-formed XML', () => {
        const input = hostileInput(hostile);
        const file = `${hostile}.txt`;
        expect((JSON.parse(FORMATTERS.json(input, { showSecrets: false, color: false })) as { findings: Array<{ file: string }> }).findings[0]!.file).toBe(file);
        const sarif = JSON.parse(FORMATTERS.sarif(input, { showSecrets: false, color: false })) as { runs: Array<{ results: Array<{ properties: { commit: { message: string } } }> }> };
        expect(sarif.runs[0]!.results[0]!.properties.commit.message).toBe(`subject ${hostile}`);
        const gitlab = JSON.parse(FORMATTERS.gitlab(input, { showSecrets: false, color: false })) as { vulnerabilities: Array<{ location: { file: string } }> };
        expect(gitlab.vulnerabilities[0]!.location.file).toBe(file);
        const errors: string[] = [];
        const doc = new DOMParser({ onError: (level, message) => void (level !== 'warning' && errors.push(message)) })
          .parseFromString(FORMATTERS.junit(input, { showSecrets: false, color: false }), 'text/xml');
        expect(errors).toEqual([]);
        expect(doc.getElementsByTagName('testcase')[0]!.getAttribute('file')).toBe(file.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\uFFFD'));
      });
    });
  }
});

describe('a hostile repository, scanned from the command line', () => {
  const keys = fakeKeys(62);
  const forgedName = 'x\n::error file=a.js::forged\n::stop-commands::tok.txt';
  const dir = tempDir();
  initRepo(dir);
  writeTree(dir, {
    [forgedName]: `token ${keys.github}\n`,
    'term.txt': `x="\u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b[2J\u001b[1;1H" t=${fakeKeys(63).github}\n`,
  });
  gitIn(dir, ['add', '-A']);
  gitIn(dir, ['-c', 'user.name=Eve \u001b[31m', 'commit', '-q', '-m', `rotate ${keys.stripe} \u001b]52;c;cHduZWQ=\u0007\u001b[31mred`, '--author', 'Eve \u001b[31m <eve@example.com>']);

  for (const format of FORMAT_NAMES) {
    it(`history --format ${format}: the forged file name, OSC 52 in content and in the subject, and the key in the subject stay inert`, async () => {
      const { code, stdout, stderr } = await run(['history', '--format', format, ...(format === 'text' ? ['--color'] : [])], { cwd: dir });
      expect(code, stderr).toBe(1);
      // As many annotations as findings (the key in the subject is one too), and no other workflow command.
      const findings = (JSON.parse((await run(['history', '--format', 'json'], { cwd: dir })).stdout) as { findings: unknown[] }).findings.length;
      expectInert(format, stdout, findings);
      expect(stdout).not.toContain(keys.stripe);
      expect(stdout).not.toContain(keys.stripe.slice(12));
      if (format === 'json') expect((JSON.parse(stdout) as { findings: Array<{ file: string }> }).findings.map((f) => f.file)).toContain(forgedName);
      if (format === 'text') expect(stdout).toContain(':x\\n::error file=a.js::forged\\n::stop-commands::tok.txt:1:7');
    });
  }

  it('an error naming a hostile path drives nothing either', async () => {
    const { code, stderr } = await run(['scan', `missing\u001b]52;c;cHduZWQ=\u0007\n::error::x`], { cwd: dir });
    expect(code).toBe(2);
    expectInert('text', stderr, 0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
