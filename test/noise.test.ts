/** Noise control end to end: config, inline and fingerprint suppressions, baselines and imports. */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeKeys } from './helpers/keys.js';
import { gitIn, initRepo, tempDir, writeTree } from './helpers/cli.js';
import { run } from './helpers/run.js';

const keys = fakeKeys(21);
const other = fakeKeys(22);

interface Finding { ruleId: string; file: string; line: number; fingerprint: string; suppressedBy?: string }
interface Report { findings: Finding[]; suppressed?: Finding[]; staleIgnores?: Array<{ fingerprint: string; line: number }>; stats: { suppressed?: number } }
const scan = async (dir: string, args: string[] = []) => {
  const result = await run(['scan', '--format', 'json', ...args], { cwd: dir });
  return { ...result, report: result.code === 2 ? undefined : (JSON.parse(result.stdout) as Report) };
};

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'user-8812', admin: true })}.${Buffer.from(keys.generic + other.generic).toString('base64url')}`;

describe('.keyhound.yaml', () => {
  it('adds custom rules whose examples are checked at load, disables rules, and allowlists per rule', async () => {
    const dir = tempDir();
    writeTree(dir, {
      '.keyhound.yaml': [
        'remediation: Revoke it in the Acme console.',
        'disable: [jwt]',
        'rules:',
        '  - id: acme-token',
        '    description: Acme internal token',
        '    severity: high',
        '    keywords: [acme_tok_]',
        "    pattern: '(?<secret>acme_tok_[a-z0-9]{16})'",
        "    examples: ['t = acme_tok_q8z2m4x7c1v9b3n5']",
        'ruleAllowlists:',
        '  github-pat-classic:',
        '    paths: [docs/]',
        'allowlist:',
        "  lines: ['FAKE-FOR-TESTS']",
      ].join('\n'),
      'src/a.txt': `acme_tok_p0o9i8u7y6t5r4e3\n${jwt}\n`,
      'docs/readme.md': `token ${keys.github}\n`,
      'src/b.txt': `token ${keys.github}\nx = "${other.stripe}" FAKE-FOR-TESTS\n`,
    });
    const { report } = await scan(dir);
    expect(report!.findings.map((f) => [f.file, f.ruleId])).toEqual([['src/a.txt', 'acme-token'], ['src/b.txt', 'github-pat-classic']]);
  });

  it('rejects a custom rule whose example it does not find, naming the config', async () => {
    const dir = tempDir();
    writeTree(dir, {
      '.keyhound.yaml': "rules:\n  - id: acme-token\n    description: Acme\n    severity: high\n    keywords: [acme_]\n    pattern: '(?<secret>acme_[0-9]{4})'\n    examples: ['acme_abcd']\n",
    });
    const { code, stderr } = await scan(dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/\.keyhound\.yaml: rule acme-token: example #1 not found/);
  });

  it('names the file, line and field of a bad setting', async () => {
    const dir = tempDir();
    writeTree(dir, { '.keyhound.yaml': 'allowlist:\n  paths: [a]\n  pathz: [b]\n' });
    const { code, stderr } = await scan(dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/\.keyhound\.yaml:3: pathz: unknown field/);
  });
});

describe('.keyhoundignore', () => {
  it('keeps a moved line suppressed, reports a different secret on that line, and flags stale entries', async () => {
    const dir = tempDir();
    initRepo(dir);
    writeTree(dir, { 'config.js': `const a = "${keys.github}";\n` });
    const [first] = (await scan(dir)).report!.findings;
    writeTree(dir, { '.keyhoundignore': `# triaged\n${first!.fingerprint} # test fixture, revoked\n${'0'.repeat(32)} # gone\n` });
    expect((await scan(dir)).report!.findings).toEqual([]);

    // The line moves down: still suppressed.
    writeFileSync(join(dir, 'config.js'), `// header\n\nconst a = "${keys.github}";\n`);
    expect((await scan(dir)).report!.findings).toEqual([]);

    // A different secret on the same line: reported.
    writeFileSync(join(dir, 'config.js'), `// header\n\nconst a = "${keys.github}"; const b = "${other.github}";\n`);
    const { report } = await scan(dir, ['--report-suppressed']);
    expect(report!.findings.map((f) => f.line)).toEqual([3]);
    expect(report!.suppressed!.map((f) => f.suppressedBy)).toEqual(['.keyhoundignore:2 (test fixture, revoked)']);
    expect(report!.staleIgnores!.map((entry) => entry.line)).toEqual([3]);
  });

  it('rejects a line that is not a fingerprint, naming the file and line', async () => {
    const dir = tempDir();
    writeTree(dir, { '.keyhoundignore': 'config.js:3\n' });
    const { code, stderr } = await scan(dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/\.keyhoundignore:1: not a fingerprint/);
  });
});

describe('--report-suppressed', () => {
  it('lists every suppressed finding with what suppressed it', async () => {
    const dir = tempDir();
    writeTree(dir, {
      '.keyhound.yaml': 'allowlist:\n  paths: [fixtures/]\n',
      'fixtures/key.txt': `${keys.github}\n`,
      'a.js': `x = "${keys.stripe}" // keyhound:allow stripe-live-secret-key -- documented sample\n`,
    });
    const plain = await scan(dir);
    expect(plain.code).toBe(0);
    const { report, code } = await scan(dir, ['--report-suppressed']);
    expect(code).toBe(0);
    expect(report!.suppressed!.map((f) => [f.file, f.suppressedBy])).toEqual([
      ['a.js', 'inline comment "keyhound:allow stripe-live-secret-key"'],
      ['fixtures/key.txt', 'allowlist path fixtures/'],
    ]);
    const text = (await run(['scan', '--report-suppressed'], { cwd: dir })).stdout;
    expect(text).toMatch(/Suppressed \(2\):/);
    expect(text).not.toContain(keys.stripe);
  });
});

describe('test code', () => {
  it('keeps quiet about generic findings there, reports the rest, and reports all on request', async () => {
    const dir = tempDir();
    const generic = `DB_SECRET=${keys.generic}Q7\n`;
    writeTree(dir, {
      'tests/fixtures/settings.env': generic,
      'src/settings_test.go': `const token = "${other.generic}"\nconst live = "${keys.stripe}"\n`,
      'config/prod.env': `DB_SECRET=${other.generic}Z9\n`,
    });
    const plain = await scan(dir, ['--report-suppressed']);
    expect(plain.report!.findings.map((f) => [f.file, f.ruleId])).toEqual([
      ['config/prod.env', 'generic-secret-assignment'],
      ['src/settings_test.go', 'stripe-live-secret-key'],
    ]);
    expect(plain.report!.suppressed!.map((f) => [f.file, f.suppressedBy])).toEqual([
      ['src/settings_test.go', expect.stringMatching(/^low confidence or a note in test or sample code/)],
      ['tests/fixtures/settings.env', expect.stringMatching(/reportLowInTests: true/)],
    ]);
    // The user's own ignore entry names the finding first, and so is not stale.
    const fixture = plain.report!.suppressed!.find((f) => f.file === 'tests/fixtures/settings.env')!;
    writeTree(dir, { '.keyhoundignore': `${fixture.fingerprint}  # reviewed\n` });
    const ignored = (await scan(dir, ['--report-suppressed'])).report!;
    expect(ignored.suppressed!.find((f) => f.file === 'tests/fixtures/settings.env')!.suppressedBy).toMatch(/^\.keyhoundignore:1/);
    expect(ignored.staleIgnores ?? []).toEqual([]);
    writeTree(dir, { '.keyhound.yaml': 'reportLowInTests: true\n' });
    expect((await scan(dir)).report!.findings.map((f) => f.file)).toEqual(['config/prod.env', 'src/settings_test.go', 'src/settings_test.go']);
  });

  it('reports a provider\'s credential there, a low-severity test-mode key included, and keeps public keys quiet', async () => {
    const testModeKey = `shippo_${'test'}_${Buffer.from(keys.generic + other.generic).toString('hex').slice(0, 40)}`;
    const publicKey = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${keys.generic}${other.generic}Qx3 ci@build`;
    const dir = tempDir();
    writeTree(dir, { 'tests/test_labels.py': `SHIPPO_TOKEN = "${testModeKey}"\n`, 'tests/fixtures/id_ed25519.pub': `${publicKey}\n` });
    const { stdout } = await run(['scan', '--format', 'json', '--report-suppressed'], { cwd: dir });
    const report = JSON.parse(stdout) as Report;
    expect(report.findings.map((f) => [f.file, f.ruleId])).toEqual([['tests/test_labels.py', 'shippo-test-token']]);
    expect(report.suppressed!.map((f) => [f.file, f.ruleId])).toEqual([['tests/fixtures/id_ed25519.pub', 'ssh-public-key']]);
  });
});

describe('baselines', () => {
  it('are byte-identical when written twice, hold no secret, and hide only known findings', async () => {
    const dir = tempDir();
    writeTree(dir, { 'a.env': `GH=${keys.github}\nSTRIPE=${keys.stripe}\n` });
    expect((await run(['baseline', 'create'], { cwd: dir })).code).toBe(0);
    const first = readFileSync(join(dir, '.keyhound-baseline.json'), 'utf8');
    await run(['baseline', 'create'], { cwd: dir });
    expect(readFileSync(join(dir, '.keyhound-baseline.json'), 'utf8')).toBe(first);
    expect(first).not.toContain(keys.github);
    expect(first).not.toMatch(/"line"|"date"|"file"/);
    expect(JSON.parse(first).entries).toHaveLength(2);

    writeFileSync(join(dir, 'b.env'), `NEW=${other.github}\n`);
    const { report } = await scan(dir, ['--baseline', '.keyhound-baseline.json']);
    expect(report!.findings.map((f) => f.file)).toEqual(['b.env']);
    expect(report!.stats.suppressed).toBe(2);
  });

  it('rejects a file that is not a baseline (exit 2)', async () => {
    const dir = tempDir();
    writeTree(dir, { 'b.json': '{"nope": 1}' });
    const { code, stderr } = await scan(dir, ['--baseline', 'b.json']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/b\.json: not a keyhound baseline/);
  });
});

describe('keyhound baseline import', () => {
  function repoWithLeaks() {
    const dir = tempDir();
    initRepo(dir);
    writeTree(dir, { 'app/config.py': `x = 1\nGITHUB_TOKEN = "${keys.github}"\n`, 'deploy.env': `STRIPE=${keys.stripe}\nAWS_ACCESS_KEY_ID=${keys.awsKeyId}\n` });
    gitIn(dir, ['add', '-A']);
    gitIn(dir, ['commit', '-qm', 'leaks']);
    return { dir, sha: gitIn(dir, ['rev-parse', 'HEAD']).trim() };
  }

  it('reads a gitleaks report (raw and redacted), a .gitleaksignore and a detect-secrets baseline', async () => {
    const { dir, sha } = repoWithLeaks();
    writeTree(dir, {
      'gitleaks.json': JSON.stringify([
        { RuleID: 'github-pat', Secret: keys.github, File: 'app/config.py', StartLine: 2 },
        { RuleID: 'stripe-access-token', Secret: 'REDACTED', File: 'deploy.env', StartLine: 1, Commit: sha },
      ]),
      '.gitleaksignore': `${sha}:deploy.env:aws-access-token:2\n`,
      '.secrets.baseline': JSON.stringify({
        version: '1.5.0', plugins_used: [],
        results: { 'app/config.py': [{ type: 'GitHub Token', filename: 'app/config.py', hashed_secret: createHash('sha1').update(keys.github).digest('hex'), line_number: 2 }] },
      }),
    });
    const imported = await run(['baseline', 'import', 'gitleaks.json', '.gitleaksignore', '.secrets.baseline'], { cwd: dir });
    expect(imported.code).toBe(0);
    expect(imported.stderr).toBe('');
    const baseline = readFileSync(join(dir, '.keyhound-baseline.json'), 'utf8');
    expect(baseline).not.toContain(keys.github);
    expect(JSON.parse(baseline).entries).toHaveLength(4);
    const { report } = await scan(dir, ['app', 'deploy.env', '--baseline', '.keyhound-baseline.json']);
    expect(report!.findings).toEqual([]);
    expect(report!.stats.suppressed).toBe(3);
  });
});

describe('--config with a gitleaks TOML config', () => {
  it('translates rules, secret groups, allowlists and [extend], warning about what does not map', async () => {
    const acmeToken = (keys.generic + other.generic).toLowerCase().slice(0, 24);
    const dir = tempDir();
    writeTree(dir, {
      '.gitleaks.toml': [
        '[extend]',
        'useDefault = true',
        '[[rules]]',
        'id = "Acme_Token"',
        'description = "Acme token"',
        "regex = '''(?i)acme[_-]?token\\s*=\\s*['\"]?([a-z0-9]{24})'''",
        'secretGroup = 1',
        'keywords = ["acme"]',
        '  [rules.allowlist]',
        "  paths = ['''^test/''']",
        '[allowlist]',
        "paths = ['''(^|/)vendor/''']",
        'commits = ["abc123"]',
      ].join('\n'),
      'a.txt': `ACME_TOKEN = '${acmeToken}'\n`,
      'test/a.txt': `acme-token='${acmeToken}'\n`,
      'vendor/b.txt': `${keys.github}\n`,
      'c.txt': `${keys.github}\n`,
    });
    const result = await scan(dir, ['--config', '.gitleaks.toml']);
    expect(result.report!.findings.map((f) => [f.file, f.ruleId])).toEqual([['a.txt', 'acme-token'], ['c.txt', 'github-pat-classic']]);
    expect(result.stderr).toMatch(/commits are not translated/);
    expect(result.stderr).toMatch(/have no examples/);
  });

  it('names the file and line of invalid TOML (exit 2)', async () => {
    const dir = tempDir();
    writeTree(dir, { 'bad.toml': '[[rules]\nid = 1\n' });
    const result = await scan(dir, ['--config', 'bad.toml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.toml:1: invalid TOML/);
  });
});
