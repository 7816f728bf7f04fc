/**
 * Table tests for pure functions whose cases are easiest to read as rows: gitleaks'
 * Go regexes translated to JavaScript, the .keyhoundignore parser, and maskLine.
 * (Range selection per CI system has its table in ci.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { nameSecretGroup, translateRegex } from '../src/config/gitleaks-config.js';
import { parseIgnoreFile } from '../src/config/ignore-file.js';
import { ConfigError } from '../src/errors.js';
import { maskLine, type LineSpan } from '../src/findings/redact.js';

describe('translateRegex: Go (RE2) syntax to JavaScript', () => {
  const rows: { go: string; pattern: string; caseInsensitive?: true; warns?: RegExp }[] = [
    { go: 'abc[0-9]+', pattern: 'abc[0-9]+' },
    { go: '(?i)token_[a-z]{8}', pattern: 'token_[a-z]{8}', caseInsensitive: true },
    { go: '(?P<key>[a-f0-9]{32})', pattern: '(?<key>[a-f0-9]{32})' },
    { go: '\\Aghp_[A-Za-z0-9]{36}\\z', pattern: '^ghp_[A-Za-z0-9]{36}$' },
    { go: 'x[[:alnum:]]{4}', pattern: 'x[A-Za-z0-9]{4}' },
    { go: '[[:xdigit:][:space:]]+', pattern: '[0-9A-Fa-f\\s]+' },
    { go: '[[:nosuch:]]', pattern: '[[:nosuch:]]' },
    { go: 'key(?i:_live)_\\d+', pattern: 'key(?:_live)_\\d+', caseInsensitive: true, warns: /inline flags inside the pattern/ },
    { go: '(?is)secret.+', pattern: 'secret.+', caseInsensitive: true, warns: /flags \(\?is\) other than i/ },
    { go: '\\Qa.b\\E', pattern: '\\Qa.b\\E', warns: /\\Q…\\E/ },
    { go: '\\p{Greek}+', pattern: '\\p{Greek}+', warns: /Unicode classes/ },
  ];
  for (const row of rows) {
    it(`${row.go} → ${row.pattern}`, () => {
      const warnings: string[] = [];
      expect(translateRegex(row.go, 'rule', warnings)).toEqual({ pattern: row.pattern, caseInsensitive: row.caseInsensitive ?? false });
      if (row.warns) expect(warnings.join('\n')).toMatch(row.warns);
      else expect(warnings).toEqual([]);
      // What comes out compiles in JavaScript, unless a warning said it might not.
      if (!row.warns) expect(() => new RegExp(row.pattern)).not.toThrow();
    });
  }
});

describe('nameSecretGroup: the secret is gitleaks secretGroup, else group 1, else the whole match', () => {
  const rows: { pattern: string; group?: number; named: string }[] = [
    { pattern: 'key=([a-z]+)', named: 'key=(?<secret>[a-z]+)' },
    { pattern: 'key=[a-z]+', named: '(?<secret>key=[a-z]+)' },
    { pattern: '(id)=([a-z]+)', group: 2, named: '(id)=(?<secret>[a-z]+)' },
    { pattern: '(?:x)(y)', named: '(?:x)(?<secret>y)' },
    { pattern: '[(]k(v)', named: '[(]k(?<secret>v)' },
    { pattern: '\\(k(v)', named: '\\(k(?<secret>v)' },
    { pattern: '(?<=a)(?<name>b)', named: '(?<=a)(?<secret>b)' },
  ];
  for (const row of rows) {
    it(`${row.pattern}${row.group ? ` (group ${row.group})` : ''} → ${row.named}`, () => {
      expect(nameSecretGroup(row.pattern, row.group)).toBe(row.named);
    });
  }
});

describe('parseIgnoreFile', () => {
  const FP = 'a'.repeat(32);
  const FP2 = '0123456789abcdef'.repeat(2);
  const rows: { name: string; text: string; entries: { fingerprint: string; line: number; comment?: string }[]; salt?: string }[] = [
    { name: 'empty', text: '', entries: [] },
    { name: 'comments and blank lines only', text: '# triaged\n\n   \n', entries: [] },
    { name: 'one fingerprint', text: `${FP}\n`, entries: [{ fingerprint: FP, line: 1 }] },
    { name: 'a fingerprint with a comment', text: `${FP} # revoked 2026-11\n`, entries: [{ fingerprint: FP, line: 1, comment: 'revoked 2026-11' }] },
    { name: 'CRLF line ends and indentation', text: `# list\r\n  ${FP}\r\n${FP2}\r\n`, entries: [{ fingerprint: FP, line: 2 }, { fingerprint: FP2, line: 3 }] },
    { name: 'a salt line', text: `# keyhound-salt: ${'0f'.repeat(8)}\n${FP}\n`, entries: [{ fingerprint: FP, line: 2 }], salt: '0f'.repeat(8) },
  ];
  for (const row of rows) {
    it(row.name, () => {
      expect(parseIgnoreFile(row.text, '.keyhoundignore')).toEqual({ file: '.keyhoundignore', entries: row.entries, ...(row.salt ? { salt: row.salt } : {}) });
    });
  }

  const refused: { name: string; text: string; message: string }[] = [
    { name: 'a short hash', text: `${FP.slice(1)}\n`, message: '.keyhoundignore:1: not a fingerprint' },
    { name: 'upper-case hex', text: `# ok\n${FP.toUpperCase()}\n`, message: '.keyhoundignore:2: not a fingerprint' },
    { name: 'a comment without a space before #', text: `${FP}# note\n`, message: '.keyhoundignore:1: not a fingerprint' },
    { name: 'a salt that is not hex', text: '# keyhound-salt: not-a-salt\n', message: '.keyhoundignore:1: keyhound-salt is not 16 to 64 lower-case hex digits' },
  ];
  for (const row of refused) {
    it(`refuses ${row.name}, naming the line and never quoting it`, () => {
      let error: unknown;
      try {
        parseIgnoreFile(row.text, '.keyhoundignore');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(row.message);
      expect((error as Error).message).not.toContain(row.text.trim().split('\n').at(-1)!.trim());
    });
  }
});

describe('maskLine', () => {
  /** `line` with the span of `secret` in it. */
  const at = (line: string, secret: string): LineSpan => [line.indexOf(secret), line.indexOf(secret) + secret.length];
  const rows: { name: string; line: string; secret: string; redacted: string; others?: string[]; width?: number; shown: string }[] = [
    { name: 'the secret alone', line: 'token = "tk_0123456789abcdef"', secret: 'tk_0123456789abcdef', redacted: 'tk_0********', shown: 'token = "tk_0********"' },
    { name: 'surrounding spaces trimmed', line: '    key: tk_0123456789abcdef   ', secret: 'tk_0123456789abcdef', redacted: 'tk_0********', shown: 'key: tk_0********' },
    {
      name: 'another finding on the line: its own redaction',
      line: 'pair tk_0123456789abcdef zz_fedcba9876543210',
      secret: 'tk_0123456789abcdef',
      redacted: 'tk_0********',
      others: ['zz_fedcba9876543210'],
      shown: 'pair tk_0******** zz_f********',
    },
    {
      name: 'a long line: width characters around the secret, a third of them before it, ellipses where cut',
      line: `${'x '.repeat(200)}tk_0123456789abcdef${' y'.repeat(200)}`,
      secret: 'tk_0123456789abcdef',
      redacted: 'tk_0********',
      width: 20,
      shown: '…x x x tk_0******** y…',
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const others = (row.others ?? []).map((other) => at(row.line, other));
      expect(maskLine(row.line, at(row.line, row.secret), row.redacted, others, row.width)).toBe(row.shown);
    });
  }
});
