/** End to end: the CLI in process on real directories and git repositories; a real process only for worker threads and another user. */
import { chmodSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeKeys } from './helpers/keys.js';
import { gitIn, initRepo, keyhound, tempDir, writeTree } from './helpers/cli.js';
import { runUnprivileged } from './helpers/package-copy.js';
import { run } from './helpers/run.js';

const keys = fakeKeys(42);

function json(stdout: string) {
  return JSON.parse(stdout) as {
    version: number;
    findings: Array<Record<string, unknown>>;
    stats: { files: number; skipped: Record<string, number>; warnings: string[] };
  };
}

describe('keyhound scan on a plain directory', () => {
  it('reports each leak with exact file, line and column, and exits 1', async () => {
    const dir = tempDir();
    writeTree(dir, {
      'src/app.js': `// config\nconst github = "${keys.github}";\n`,
      '.env': `AWS_ACCESS_KEY_ID=${keys.awsKeyId}\n`,
      'README.md': 'nothing to see\n',
    });
    const { code, stdout } = await run(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(code).toBe(1);
    const report = json(stdout);
    expect(report.version).toBe(1);
    expect(report.findings.map((f) => [f.file, f.line, f.column, f.endLine, f.endColumn, f.ruleId])).toEqual([
      ['.env', 1, 19, 1, 39, 'aws-access-key-id'],
      ['src/app.js', 2, 17, 2, 57, 'github-pat-classic'],
    ]);
    expect(report.findings[1]).toMatchObject({ provider: 'github', severity: 'critical', secret: expect.stringMatching(/^ghp_.{4}\*+$/) });
    expect(report.findings[1]!.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(report.stats.files).toBe(3);
  });

  it('exits 0 with a summary when there is nothing to find', async () => {
    const dir = tempDir();
    writeTree(dir, { 'a.txt': 'hello\n' });
    const { code, stdout } = await run(['scan'], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toMatch(/no leaks found in 1 file/);
  });

  it('honours .gitignore files outside git', async () => {
    const dir = tempDir();
    writeTree(dir, {
      '.gitignore': 'ignored/\n',
      'ignored/key.txt': `${keys.github}\n`,
      'sub/.gitignore': '*.log\n',
      'sub/run.log': `${keys.github}\n`,
      'sub/kept.txt': `${keys.github}\n`,
    });
    const report = json((await run(['scan', '--format', 'json'], { cwd: dir })).stdout);
    expect(report.findings.map((f) => f.file)).toEqual(['sub/kept.txt']);
  });

  it('skips binary, oversized and symlinked files and counts them', async () => {
    const dir = tempDir();
    writeTree(dir, {
      'bin.dat': Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(keys.github)]),
      'big.txt': `${'a'.repeat(2048)}\n${keys.github}\n`,
      'real.txt': 'fine\n',
    });
    symlinkSync(join(dir, 'real.txt'), join(dir, 'link.txt'));
    const { code, stdout } = await run(['scan', '--format', 'json', '--max-file-size', '1KB'], { cwd: dir });
    expect(code).toBe(0);
    expect(json(stdout).stats.skipped).toEqual({ binary: 1, 'too-large': 1, symlink: 1 });
  });

  it('decodes UTF-16 files with a byte-order mark', async () => {
    const dir = tempDir();
    writeTree(dir, { 'w.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`token ${keys.github}\n`, 'utf16le')]) });
    const report = json((await run(['scan', '--format', 'json'], { cwd: dir })).stdout);
    expect(report.findings.map((f) => [f.ruleId, f.column])).toEqual([['github-pat-classic', 7]]);
  });

  it('warns about an unreadable file by name and goes on', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    writeTree(dir, { 'secret.txt': 'x', 'ok.txt': `${keys.github}\n` });
    chmodSync(join(dir, 'secret.txt'), 0o000);
    chmodSync(join(dir, 'ok.txt'), 0o644);
    const result = await runUnprivileged(['scan', '--format', 'json'], dir);
    expect(result.stderr).toMatch(/warning: secret\.txt: cannot read \(EACCES\)/);
    expect(result.code).toBe(1);
    const report = json(result.stdout);
    expect(report.findings.map((f) => f.file)).toEqual(['ok.txt']);
    expect(report.stats.skipped).toEqual({ unreadable: 1 });
  });

  it('reads stdin for -', async () => {
    const dir = tempDir();
    const { code, stdout } = await run(['scan', '-', '--format', 'json'], { cwd: dir, input: `x\nkey=${keys.stripe}\n` });
    expect(code).toBe(1);
    expect(json(stdout).findings.map((f) => [f.file, f.line, f.ruleId])).toEqual([['<stdin>', 2, 'stripe-live-secret-key']]);
  });

  it('scans explicit files', async () => {
    const dir = tempDir();
    writeTree(dir, { 'a.txt': `${keys.github}\n`, 'b.txt': `${keys.stripe}\n` });
    const report = json((await run(['scan', 'b.txt', '--format', 'json'], { cwd: dir })).stdout);
    expect(report.findings.map((f) => f.file)).toEqual(['b.txt']);
  });

  it('reports the host and user of a saved password as informative, pointing to the password\'s fix', async () => {
    const dir = tempDir();
    const config = { type: 'sftp', host: 'files.example.com', user: 'deploy', password: keys.generic, remote_path: '/srv/www/' };
    writeTree(dir, { 'sftp-config.json': `${JSON.stringify(config, null, 4)}\n` });
    const report = json((await run(['scan', '--format', 'json'], { cwd: dir })).stdout);
    expect(report.findings.map((f) => [f.line, f.ruleId, f.informative ?? false])).toEqual([
      [3, 'ftp-config-identity', true],
      [4, 'ftp-config-identity', true],
      [5, 'ftp-config-password', false],
      [6, 'ftp-config-identity', true],
    ]);
    const text = (await run(['scan', '--color=false'], { cwd: dir })).stdout;
    expect(text.match(/ \(ftp-config, low, note\)$/gm)).toHaveLength(3);
    expect(text.match(/^Notes are not secrets: whose or where a credential reported nearby is/gm)).toHaveLength(1);
    expect(text.match(/^ {2}ftp-config-password\n {4}Change the FTP\/SFTP\/SSH password/gm)).toHaveLength(1);
    // Without its password, the host is nobody's business.
    writeTree(dir, { 'sftp-config.json': `${JSON.stringify({ ...config, password: '' }, null, 4)}\n` });
    expect((await run(['scan'], { cwd: dir })).code).toBe(0);
  });

  it('writes the report to --output', async () => {
    const dir = tempDir();
    writeTree(dir, { 'a.txt': `${keys.github}\n` });
    const { code, stdout } = await run(['scan', 'a.txt', '--format', 'json', '--output', 'report.json'], { cwd: dir });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(json(readFileSync(join(dir, 'report.json'), 'utf8')).findings).toHaveLength(1);
  });
});

describe('keyhound scan inside git', () => {
  it('scans tracked and untracked files but not ignored ones', async () => {
    const dir = tempDir();
    initRepo(dir);
    writeTree(dir, {
      '.gitignore': 'build/\n',
      'tracked.txt': `${keys.github}\n`,
      'build/out.txt': `${keys.github}\n`,
      'untracked.txt': `${keys.stripe}\n`,
    });
    gitIn(dir, ['add', 'tracked.txt', '.gitignore']);
    gitIn(dir, ['commit', '-qm', 'init']);
    const report = json((await run(['scan', '--format', 'json'], { cwd: dir })).stdout);
    expect(report.findings.map((f) => f.file)).toEqual(['tracked.txt', 'untracked.txt']);
  });

  it('scans a directory git ignores when it is named explicitly', async () => {
    const dir = tempDir();
    initRepo(dir);
    writeTree(dir, { '.gitignore': 'vendor/\n', 'vendor/lib/a.js': `k = "${keys.github}"\n` });
    expect(json((await run(['scan', '--format', 'json'], { cwd: dir })).stdout).findings).toEqual([]);
    const report = json((await run(['scan', 'vendor', '--format', 'json'], { cwd: dir })).stdout);
    expect(report.findings.map((f) => f.file)).toEqual(['vendor/lib/a.js']);
  });

  it('names files relative to the scanned directory argument', async () => {
    const dir = tempDir();
    initRepo(dir);
    writeTree(dir, { 'pkg/src/a.txt': `${keys.github}\n` });
    const report = json((await run(['scan', 'pkg', '--format', 'json'], { cwd: dir })).stdout);
    expect(report.findings.map((f) => f.file)).toEqual(['pkg/src/a.txt']);
  });
});

describe('errors exit 2 with one line and no stack trace', () => {
  it.each([
    [['scan', 'missing-dir'], /no such file or directory: missing-dir/],
    [['scan', '--format', 'nope'], /Invalid values|format/],
    [['scan', '--no-such-option'], /Unknown argument/],
    [['frobnicate'], /Unknown argument|command/],
  ])('%j', async (args, message) => {
    const { code, stderr } = await run(args, { cwd: tempDir() });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names the file and rule of a broken rule file', async () => {
    const dir = tempDir();
    writeTree(dir, {
      'bad.yaml': 'provider: acme\nremediation: rotate it in the console\nrules:\n  - id: acme-key\n    description: Acme key\n    severity: high\n    keywords: [acme_]\n    pattern: "(?<secret>acme_[a-z]{10"\n    examples: ["acme_abcdefghij"]\n',
      'unknown.yaml': 'provider: acme\nremediation: rotate it in the console\nrules:\n  - id: acme-key\n    description: Acme key\n    severity: high\n    keywords: [acme_]\n    patern: "x"\n    pattern: "(?<secret>acme_[a-z]{10})"\n    examples: ["acme_abcdefghij"]\n',
    });
    const bad = await run(['rules', 'check', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml: rule acme-key: pattern: invalid regex/);
    const unknown = await run(['rules', 'check', 'unknown.yaml'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown\.yaml:8: rule acme-key: patern: unknown field/);
  });

  it('rejects a duplicate rule id and a rule without examples', async () => {
    const dir = tempDir();
    const rule = (id: string, examples: string) =>
      `  - id: ${id}\n    description: Acme key\n    severity: high\n    keywords: [acme_]\n    pattern: "(?<secret>acme_[a-z]{10})"\n${examples}`;
    writeTree(dir, {
      'a.yaml': `provider: acme\nremediation: rotate it in the console\nrules:\n${rule('acme-key', '    examples: ["acme_qwzmxnvbty"]\n')}`,
      'b.yaml': `provider: acme\nremediation: rotate it in the console\nrules:\n${rule('acme-key', '    examples: ["acme_qwzmxnvbty"]\n')}`,
      'c.yaml': `provider: acme\nremediation: rotate it in the console\nrules:\n${rule('acme-other', '')}`,
    });
    const duplicate = await run(['rules', 'check', 'a.yaml', 'b.yaml'], { cwd: dir });
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toMatch(/b\.yaml: rule acme-key: duplicate id \(also in a\.yaml\)/);
    const missing = await run(['rules', 'check', 'c.yaml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/c\.yaml:4: rule acme-other: examples: missing \(required\)/);
  });

  it('rejects an informative rule that names no credential rule, and checks one that does', async () => {
    const dir = tempDir();
    const file = (informs: string) =>
      'provider: acme\nremediation: rotate it in the console\nrules:\n' +
      '  - id: acme-key\n    description: Acme key\n    severity: high\n    keywords: [acme_]\n    pattern: "(?<secret>acme_[a-z]{10})"\n' +
      '    examples: ["acme_qwzmxnvbty", "key = acme_qwzmxnvbty"]\n' +
      `  - id: acme-user\n    description: Acme user\n    severity: low\n    informs: [${informs}]\n    keywords: [acme_user]\n    pattern: "acme_user=(?<secret>\\\\S+)"\n` +
      '    examples: ["acme_user=ops@example.com\\nacme_qwzmxnvbty"]\n    negatives: ["acme_user=ops@example.com"]\n';
    writeTree(dir, { 'typo.yaml': file('acme-kee'), 'good.yaml': file('acme-key') });
    const typo = await run(['rules', 'check', 'typo.yaml'], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/typo\.yaml: rule acme-user: names rule acme-kee, which is not in these rule files/);
    const good = await run(['rules', 'check', 'good.yaml'], { cwd: dir });
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
  });

  it('names the example a rule does not find', async () => {
    const dir = tempDir();
    writeTree(dir, {
      'acme.yaml': 'provider: acme\nremediation: rotate it in the console\nrules:\n  - id: acme-key\n    description: Acme key\n    severity: high\n    keywords: [acme_]\n    pattern: "(?<secret>acme_[a-z]{10})"\n    examples: ["acme_qwzmxnvbty", "acme_short"]\n    negatives: ["acme_zzzzzzzzzzzzzzzz"]\n',
    });
    const { code, stderr, stdout } = await run(['rules', 'check', 'acme.yaml'], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/acme\.yaml: rule acme-key: example #2 not found/);
    expect(stderr).toMatch(/acme\.yaml: rule acme-key: negative #1 found by acme-key/);
    expect(stdout).toMatch(/FAIL/);
  });
});

describe('secrets never leave keyhound unless asked', () => {
  const planted = [keys.github, keys.stripe, keys.awsKeyId];
  const dir = tempDir();
  writeTree(dir, { 'leaks.env': `GH=${keys.github}\nSTRIPE=${keys.stripe}\nAWS_ACCESS_KEY_ID=${keys.awsKeyId}\n` });

  it.each(['text', 'json'])('masks every secret in the %s report', async (format) => {
    const { code, stdout, stderr } = await run(['scan', '--format', format], { cwd: dir });
    expect(code).toBe(1);
    for (const secret of planted) {
      expect(stdout).not.toContain(secret);
      expect(stderr).not.toContain(secret);
    }
  });

  it('prints raw secrets with --show-secrets', async () => {
    const { stdout } = await run(['scan', '--format', 'json', '--show-secrets'], { cwd: dir });
    for (const secret of planted) expect(stdout).toContain(secret);
  });
});

describe('rules list', () => {
  it('lists every rule with provider, severity and keywords', async () => {
    const { code, stdout } = await run(['rules', 'list', '--format', 'json'], { cwd: tempDir() });
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Array<{ id: string; provider: string; severity: string; keywords: string[] }>;
    expect(rows.find((row) => row.id === 'github-pat-classic')).toEqual({ id: 'github-pat-classic', provider: 'github', severity: 'critical', keywords: ['ghp_'] });
  });
});

describe('dogfood', () => {
  it('finds nothing in keyhound\'s own repository', async () => {
    const root = join(import.meta.dirname, '..');
    const { code, stdout } = await run(['scan', '.', '--format', 'json'], { cwd: root });
    expect(json(stdout).findings).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('worker pool', () => {
  it('finds the same as a single thread on a tree large enough for workers', async () => {
    const dir = tempDir();
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`f${i}.txt`] = i % 97 === 0 ? `k = "${keys.github}"\n` : `line ${i}\n`;
    writeTree(dir, files);
    // Spawned: worker threads run only in the built package (src/bundled.ts).
    const pooled = json(keyhound(['scan', '--format', 'json'], { cwd: dir }).stdout);
    const single = json((await run(['scan', '--format', 'json', '--workers', '0'], { cwd: dir })).stdout);
    expect(pooled.findings).toHaveLength(5);
    expect(pooled.findings).toEqual(single.findings);
    expect(existsSync(dir)).toBe(true);
  });
});

describe('--fail-on and the summary', () => {
  const dir = tempDir();
  writeTree(dir, { 'a.txt': `${keys.github}\n`, 'settings.py': `db_password = "${keys.generic}"\n` });

  it('fails only on findings at or above the threshold', async () => {
    expect((await run(['scan', '--fail-on', 'critical'], { cwd: dir })).code).toBe(1);
    writeTree(dir, { 'a.txt': 'gone\n' });
    const medium = await run(['scan', '--fail-on', 'high', '--format', 'json'], { cwd: dir });
    expect(medium.code).toBe(0);
    expect(json(medium.stdout).findings.map((f) => f.ruleId)).toEqual(['generic-secret-assignment']);
    expect((await run(['scan'], { cwd: dir })).code).toBe(1);
  });

  it('ends every scan with a summary: on stdout for text, on stderr for machine formats', async () => {
    const text = await run(['scan'], { cwd: dir });
    expect(text.stdout).toMatch(/1 leak found \(1 medium; generic-secret-assignment 1\) in 2 files, .* B, .* s \(.*\/s\)/);
    const machine = await run(['scan', '--format', 'json'], { cwd: dir });
    expect(machine.stderr).toMatch(/1 leak found/);
    expect((await run(['scan', '--format', 'json', '--quiet'], { cwd: dir })).stderr).toBe('');
  });
});
