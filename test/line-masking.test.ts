/**
 * The line shown with a finding hides every value on it that could be a secret, not
 * only the one a rule reported: random keys beside it, passwords by their context
 * (assigned to a secret-looking name, in a URL, after -u, in an Authorization header),
 * key blocks written on one line. Checked through the real detector and every format.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinRuleFiles } from '../src/rules/builtin-rules.js';
import { makeFinding } from '../src/findings/finding.js';
import { FORMAT_NAMES, FORMATTERS } from '../src/report/index.js';
import { maskLine, maskSecretLike } from '../src/findings/redact.js';
import { secretLikeSpans } from '../src/findings/secret-like.js';
import { compileRuleset } from '../src/scan/ruleset.js';
import { toFileFindings } from '../src/scan/file-findings.js';
import { tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

const ruleset = compileRuleset({ files: await builtinRuleFiles(), disabled: [], allowlist: { regexes: [], lines: [], stopwords: [] }, ruleAllowlists: {} });

/** Every format's report of one line of text, as a scan of a file holding it gives it. */
function reports(line: string): { ruleIds: string[]; outputs: Record<string, string> } {
  const findings = toFileFindings(ruleset.detector.detect(`${line}\n`)).map((raw) => makeFinding(ruleset.byId.get(raw.ruleId)!, raw, 'app.cfg', 1));
  const stats = { files: 1, bytes: line.length, rules: ruleset.rules.length, findings: findings.length, durationMs: 1, skipped: {}, warnings: [] };
  const outputs: Record<string, string> = {};
  for (const name of FORMAT_NAMES) outputs[name] = FORMATTERS[name]({ findings, stats }, { showSecrets: false, color: name === 'text' });
  return { ruleIds: findings.map((finding) => finding.ruleId), outputs };
}

/** Every 10-character piece of a value (the whole of a shorter one): none may be shown. */
function pieces(value: string): string[] {
  const size = Math.min(10, value.length);
  return Array.from({ length: value.length - size + 1 }, (_, i) => value.slice(i, i + size));
}

const ALPHABETS = {
  base62: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  base64: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/',
  base64url: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_',
  hex: '0123456789abcdef',
};
/** A random key: 20 to 64 characters of one of the alphabets keys are written in. */
const randomKey = fc.constantFrom(...Object.values(ALPHABETS)).chain((alphabet) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: 20, maxLength: 64 }).map((chars) => chars.join('')));
/** Where a key stands with no secret-looking name: an argument, a bare value, a JSON value, a query. */
const keyContexts = [(k: string) => `connect("${k}")`, (k: string) => k, (k: string) => `"value": "${k}"`, (k: string) => `?q=${k}&x=1`, (k: string) => `data=${k}`];

/** Printable ASCII but blanks and the characters that end a value in its context. */
const passwordChars = (excluded: string) =>
  fc.array(fc.constantFrom(...Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).filter((c) => !excluded.includes(c))), { minLength: 8, maxLength: 24 })
    .map((chars) => chars.join(''))
    .filter((password) => new Set(password).size >= 4);
/** A password (any printable characters, as people choose them) in a context that says what it is. */
const passwordInContext = fc.oneof(
  passwordChars('"\\').map((p) => ({ value: p, text: `password = "${p}"` })),
  passwordChars("'\\").map((p) => ({ value: p, text: `'db_secret': '${p}'` })),
  passwordChars('"\'`,;)}]').map((p) => ({ value: p, text: `DB_PASS=${p}` })),
  passwordChars('"\'`,;)}]').map((p) => ({ value: p, text: `--password ${p}` })),
  passwordChars('/"\'`').map((p) => ({ value: p, text: `postgres://app:${p}@db.internal:5432/app` })),
  passwordChars('"\'').map((p) => ({ value: p, text: `curl -u deploy:${p}` })),
  passwordChars('"').map((p) => ({ value: p, text: `-u "deploy:${p}"` })),
  passwordChars('"\'`').map((p) => ({ value: p, text: `-H "Authorization: Basic ${p}"` })),
  passwordChars('"\'`').map((p) => ({ value: p, text: `headers = { 'Cookie': 'session=${p}' }` })),
);
/** A key block written on one line, as in a JSON string. */
const pemOnOneLine = fc.array(fc.constantFrom(...ALPHABETS.base64), { minLength: 40, maxLength: 64 }).map((chars) => {
  const body = chars.join('');
  return { value: body, text: `"key": "-----BEGIN EC PRIVATE KEY-----\\n${body}\\n-----END EC PRIVATE KEY-----\\n"` };
});
const neighbour = fc.oneof(
  fc.tuple(randomKey, fc.constantFrom(...keyContexts)).map(([key, context]) => ({ value: key, text: context(key) })),
  passwordInContext,
  pemOnOneLine,
);

describe('the line shown with a finding', () => {
  it('shows none of the reported secret\'s neighbours, in any format (property)', () => {
    const reported = fc.integer({ min: 1, max: 1_000_000 }).map((seed) => fakeKeys(seed).github);
    const separator = fc.constantFrom(' ', ', ', '; ', '\t', ' && ');
    fc.assert(
      fc.property(reported, fc.array(neighbour, { minLength: 1, maxLength: 4 }), fc.nat(4), separator, (secret, neighbours, at, sep) => {
        const parts = neighbours.map((n) => n.text);
        parts.splice(Math.min(at, parts.length), 0, `token: "${secret}"`);
        const { ruleIds, outputs } = reports(parts.join(sep));
        expect(ruleIds).toContain('github-pat-classic');
        for (const [format, output] of Object.entries(outputs)) {
          for (const { value } of neighbours) for (const piece of pieces(value)) expect(output, `${format} shows ${piece} of ${value}`).not.toContain(piece);
          for (const piece of pieces(secret.slice(8))) expect(output, format).not.toContain(piece);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps the finding\'s own redaction and the words around the values', () => {
    const keys = fakeKeys(3);
    const line = `db = aws_lib.connect("${keys.awsKeyId}", "${keys.awsSecret}")`;
    const start = line.indexOf(keys.awsKeyId);
    expect(maskLine(line, [start, start + keys.awsKeyId.length], 'AKIA********')).toBe('db = aws_lib.connect("AKIA********", "********")');
    const curl = `curl -u deploy:hunter22 -H "Authorization: Bearer ${keys.github}" https://api.example.com`;
    const own = curl.indexOf(keys.github);
    expect(maskLine(curl, [own, own + keys.github.length], 'ghp_abcd********')).toBe('curl -u deploy:******** -H "Authorization: Bearer ghp_abcd********" https://api.example.com');
  });

  it('masks a value that starts before the shown part of a long line, and one the window cuts', () => {
    const keys = fakeKeys(4);
    const line = `${'x '.repeat(200)}password = "${keys.generic}-and-more" ${'y '.repeat(60)}${keys.github}`;
    const own = line.indexOf(keys.github);
    const shown = maskLine(line, [own, own + keys.github.length], 'ghp_abcd********', [], 100);
    expect(shown).toContain('ghp_abcd********');
    for (const piece of pieces(keys.generic)) expect(shown).not.toContain(piece);
  });

  it('leaves plain words, paths and short numbers alone', () => {
    for (const text of ['const user = config.user; // see docs/setup.md', 'AWS_SECRET_ACCESS_KEY is read from the environment', 'port: 5432, retries: 3', 'aaaaaaaaaaaaaaaa1111aaaa']) {
      expect(secretLikeSpans(text)).toEqual([]);
    }
  });

  it('masks text that is not a line of a file too: a commit subject', () => {
    const keys = fakeKeys(5);
    expect(maskSecretLike(`rotate ${keys.stripe} and the db password=hunter22`)).toBe('rotate ******** and the db password=********');
  });
});

describe('the reproductions of the issue', () => {
  it('a reported secret written twice on its line: neither copy in any format', async () => {
    const [url, curl] = ['Kx9mQ2wLp7x', 'Tr0ub4dor&3x'];
    const dir = tempDir();
    writeTree(dir, {
      '.env': `DATABASE_URL=postgres://admin:${url}@db.internal/app  # same as ${url}\n`,
      'app.py': `msg = "${url}"; conn = connect("postgres://admin:${url}@db.internal/app")\n`,
      'deploy.sh': `curl -u deploy:${curl} https://nexus.acme-shop.io/ && echo ${curl}\n`,
    });
    for (const format of FORMAT_NAMES) {
      const { code, stdout, stderr } = await run(['scan', '--format', format], { cwd: dir });
      expect(code, stderr).toBe(1);
      for (const password of [url, curl, 'Tr0ub4dor&amp;3x']) expect(stdout, format).not.toContain(password.slice(2));
      if (format === 'text') for (const file of ['.env:1:', 'app.py:1:', 'deploy.sh:1:']) expect(stdout).toContain(file);
    }
  });


  it('a key id beside its secret, a password beside a token: nothing secret in any format', async () => {
    const keys = fakeKeys(6);
    const dir = tempDir();
    writeTree(dir, {
      'app.py': `db = aws_lib.connect("${keys.awsKeyId}", "${keys.awsSecret}")\n`,
      'deploy.sh': `curl -u deploy:Tr0ub4dor&3x -H "Authorization: Bearer ${keys.github}" https://api.example.com\n`,
    });
    for (const format of FORMAT_NAMES) {
      const { code, stdout, stderr } = await run(['scan', '--format', format], { cwd: dir });
      expect(code, stderr).toBe(1);
      for (const value of [keys.awsSecret, 'Tr0ub4dor&3x', keys.github, keys.awsKeyId]) expect(stdout, format).not.toContain(value);
      if (format === 'text') {
        expect(stdout).toContain('line    db = aws_lib.connect("AKIA');
        // The password is a finding of its own now (http-client-password-option): masked either way.
        expect(stdout).toMatch(/curl -u deploy:(?:Tr)?\*{8,} -H "Authorization: Bearer ghp_/);
      }
    }
  });
});
