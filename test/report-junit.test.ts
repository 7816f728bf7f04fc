/** JUnit XML: well-formed whatever the names hold, one failing case per finding, a passing case when clean. */
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { formatJunit, xmlAttr, xmlText } from '../src/report/junit.js';
import type { ReportInput } from '../src/report/types.js';
import { reportInput, reportInputWithSuppressed } from './fixtures/report-input.js';

const redacted = { showSecrets: false, color: false };

function parse(xml: string): Document {
  const parser = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(`${level}: ${message}`);
    },
  });
  return parser.parseFromString(xml, 'text/xml');
}

function elements(doc: Document, tag: string): Element[] {
  return Array.from(doc.getElementsByTagName(tag));
}

/** XML 1.0's Char production: anything else makes the document ill-formed. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

describe('junit', () => {
  it('has one suite, keyhound, with one failing test case per finding', () => {
    const input = reportInput();
    const doc = parse(formatJunit(input, redacted));
    const [suite] = elements(doc, 'testsuite');
    expect(suite!.getAttribute('name')).toBe('keyhound');
    expect(suite!.getAttribute('tests')).toBe('6');
    expect(suite!.getAttribute('failures')).toBe('6');
    expect(suite!.getAttribute('time')).toBe('1.234');
    expect(suite!.getAttribute('timestamp')).toBe('2024-05-06T07:08:09');
    const cases = elements(doc, 'testcase');
    expect(cases).toHaveLength(6);
    cases.forEach((testcase, i) => {
      const finding = input.findings[i]!;
      expect(testcase.getAttribute('classname')).toBe(finding.file);
      expect(testcase.getAttribute('name')).toMatch(new RegExp(`^${finding.ruleId} at `));
      const failure = testcase.getElementsByTagName('failure')[0]!;
      expect(failure.getAttribute('message')).toBe(`${finding.description}: ${finding.secret}`);
      expect(failure.getAttribute('type')).toBe(finding.severity);
      expect(failure.textContent).toContain(finding.remediation);
      expect(failure.textContent).toContain(finding.lineText);
    });
    expect(cases[0]!.getAttribute('name')).toBe('github-pat-classic at src/app.js:2:17');
    expect(cases[2]!.getAttribute('name')).toBe('stripe-live-secret-key at config/payments.yaml:4:15 in commit 3f2a9c1d5e7b');
    expect(cases[2]!.getElementsByTagName('failure')[0]!.textContent).toContain('Dana Developer <dana@example.com> Add payment settings');
    expect(elements(doc, 'system-out')[0]!.textContent).toContain('6 leaks found');
  });

  it('shows a single passing test case when there is nothing to report', () => {
    const input: ReportInput = { findings: [], stats: { files: 3, bytes: 10, rules: 221, findings: 0, durationMs: 5, skipped: {}, warnings: [] } };
    const doc = parse(formatJunit(input, redacted));
    const cases = elements(doc, 'testcase');
    expect(cases).toHaveLength(1);
    expect(cases[0]!.getAttribute('name')).toBe('no secrets found');
    expect(cases[0]!.getElementsByTagName('failure')).toHaveLength(0);
    expect(elements(doc, 'testsuite')[0]!.getAttribute('failures')).toBe('0');
  });

  it('lists suppressed findings as skipped test cases', () => {
    const doc = parse(formatJunit(reportInputWithSuppressed(), redacted));
    const skipped = elements(doc, 'skipped');
    expect(skipped.map((s) => s.getAttribute('message'))).toEqual([
      'suppressed by inline comment "keyhound:allow"',
      'suppressed by .keyhoundignore:3 (rotated in March)',
    ]);
    expect(elements(doc, 'testsuite')[0]!.getAttribute('skipped')).toBe('2');
    expect(elements(doc, 'testsuite')[0]!.getAttribute('tests')).toBe('8');
  });

  it('stays well-formed, and reads back as written, whatever file names and rule text hold', () => {
    const input = reportInput();
    const nasty = 'a<b>&c"d\'e\tf\ng\rh]]>i\u0001j\uD800k\u{1F511}.txt';
    Object.assign(input.findings[0]!, { file: nasty, description: '<script>"&\'</script>', remediation: 'fix ]]> & <done>\r\nnow' });
    const xml = formatJunit(input, redacted);
    expect(xml).not.toMatch(NOT_XML_CHAR);
    const doc = parse(xml);
    const testcase = elements(doc, 'testcase')[0]!;
    // Characters XML cannot carry become U+FFFD; everything else survives, newlines and tabs included.
    expect(testcase.getAttribute('classname')).toBe('a<b>&c"d\'e\tf\ng\rh]]>i\uFFFDj\uFFFDk\u{1F511}.txt');
    expect(testcase.getElementsByTagName('failure')[0]!.getAttribute('message')).toBe(`<script>"&'</script>: ${input.findings[0]!.secret}`);
    expect(testcase.getElementsByTagName('failure')[0]!.textContent).toContain('fix ]]> & <done>\r\nnow');
  });

  it('escapes text and attributes', () => {
    expect(xmlText('a<b>&c\rd')).toBe('a&lt;b&gt;&amp;c&#13;d');
    expect(xmlAttr('"\'\n\t<')).toBe('&quot;&apos;&#10;&#9;&lt;');
  });
});
