/** CSV: RFC 4180 that reads back field for field, with spreadsheet formulas defused. */
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, formatCsv } from '../src/report/csv.js';
import { reportInput, reportInputWithSuppressed } from './fixtures/report-input.js';

const redacted = { showSecrets: false, color: false };

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes; throws on anything else. */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i += 1;
          break;
        }
        field += text[i];
        i += 1;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
        field += text[i];
        i += 1;
      }
    }
    fields.push(field);
    if (text[i] === ',') { i += 1; continue; }
    if (text.startsWith('\r\n', i)) { records.push(fields); fields = []; i += 2; continue; }
    throw new Error(`expected , or CRLF at ${i}`);
  }
  if (fields.length) throw new Error('last record has no CRLF');
  return records;
}

describe('csv', () => {
  it('has the header row, then one record per finding, every record as wide as the header', () => {
    const input = reportInput();
    const [header, ...rows] = readCsv(formatCsv(input, redacted));
    expect(header).toEqual(['ruleId', 'provider', 'severity', 'file', 'line', 'column', 'endLine', 'endColumn', 'secret', 'fingerprint', 'commit', 'author', 'date', 'description', 'verification']);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(input.findings.length);
    for (const row of rows) expect(row).toHaveLength(header!.length);
    expect(rows[0]).toEqual(['github-pat-classic', 'github', 'critical', 'src/app.js', '2', '17', '2', '57', input.findings[0]!.secret, input.findings[0]!.fingerprint, '', '', '', 'GitHub personal access token (classic)', '']);
    expect(rows[2]!.slice(10, 13)).toEqual(['3f2a9c1d5e7b4a6f8d0c2e4b6a8f1d3c5e7a9b0c', 'Dana Developer', '2024-01-02T03:04:05Z']);
    expect(rows[3]!.slice(4, 8)).toEqual(['1', '1', '5', '30']);
  });

  it('quotes fields with commas, quotes and line breaks, and they read back unchanged', () => {
    const input = reportInput();
    input.findings[0]!.file = 'a,b "c"\r\nd.txt';
    const rows = readCsv(formatCsv(input, redacted));
    expect(rows[1]![3]).toBe('a,b "c"\r\nd.txt');
    expect(rows[5]![3]).toBe('docs/setup, "notes".md');
  });

  it('defuses formulas: a text field starting with = + - @, tab or CR gets a leading apostrophe', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvField(`${start}1+1`).replace(/^"|"$/g, '')).toBe(`'${start}1+1`);
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(-3)).toBe('-3');
    const rows = readCsv(formatCsv(reportInput(), redacted));
    expect(rows[6]![3]).toBe("'@ops/acme.cfg");
    expect(rows[4]![8]).toBe("'-----BEGIN RSA PRIVATE KEY-----********");
    for (const row of rows) for (const field of row) expect(field).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('with --report-suppressed, adds a suppressedBy column and the suppressed findings', () => {
    const input = reportInputWithSuppressed();
    const [header, ...rows] = readCsv(formatCsv(input, redacted));
    expect(header!.at(-1)).toBe('suppressedBy');
    expect(rows).toHaveLength(input.findings.length + 2);
    expect(rows.slice(0, -2).every((row) => row.at(-1) === '')).toBe(true);
    expect(rows.slice(-2).map((row) => row.at(-1))).toEqual(['inline comment "keyhound:allow"', '.keyhoundignore:3 (rotated in March)']);
  });

  it('is only the header for a clean scan', () => {
    const text = formatCsv({ findings: [], stats: { files: 1, bytes: 1, rules: 1, findings: 0, durationMs: 1, skipped: {}, warnings: [] } }, redacted);
    expect(text).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });
});
