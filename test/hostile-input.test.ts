/** Crafted files and hostile repositories: every one is skipped with a count, warned about by name, or scanned; the scan completes. */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync, ftruncateSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileBytes } from '../src/sources/read-file.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';
import { gitIn, initRepo, keyhound, tempDir, writeTree } from './helpers/cli.js';
import { runUnprivileged } from './helpers/package-copy.js';

const keys = fakeKeys(31);

interface Report { findings: Array<{ file: string; line: number; column: number; ruleId: string }>; stats: { skipped: Record<string, number>; warnings: string[]; commits?: number } }
const scanJson = async (dir: string, args: string[] = []) => {
  const result = await run(['scan', '--format', 'json', ...args], { cwd: dir });
  return { ...result, report: JSON.parse(result.stdout) as Report };
};

describe('crafted files', () => {
  it('skips a 2 GB sparse file by size without reading it', async () => {
    const dir = tempDir();
    const fd = openSync(join(dir, 'huge.bin'), 'w');
    ftruncateSync(fd, 2 * 1024 ** 3);
    closeSync(fd);
    writeTree(dir, { 'ok.txt': `${keys.github}\n` });
    const { report } = await scanJson(dir);
    expect(report.stats.skipped).toEqual({ 'too-large': 1 });
    expect(report.findings).toHaveLength(1);
  });

  it('skips and counts a file beyond the longest string V8 can hold, even under a larger --max-file-size', async () => {
    const dir = tempDir();
    // 640 MB, sparse: text for the binary probe, then NUL bytes (never read: the size decides).
    writeTree(dir, { 'big.txt': 'token = abc\n'.repeat(1000), 'ok.txt': `${keys.github}\n` });
    const fd = openSync(join(dir, 'big.txt'), 'r+');
    ftruncateSync(fd, 640 * 1024 * 1024);
    closeSync(fd);
    const result = await run(['scan', '--format', 'json', '--max-file-size', '1GB'], { cwd: dir });
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.findings.map((f) => f.file)).toEqual(['ok.txt']);
    expect(report.stats.skipped).toEqual({ 'too-large': 1 });
    expect(report.stats.warnings).toEqual(["big.txt: 640 MB, more than one file's text can be (512 MB); skipped"]);
  });

  it('scans a single 50 MB line full of keywords, finding the key at its end', async () => {
    const dir = tempDir();
    const filler = 'token=abc secret=def password=ghi api_key=jkl '.repeat(Math.ceil((50 * 1024 ** 2) / 48));
    writeTree(dir, { 'minified.js': `${filler}k="${keys.github}"` });
    const started = Date.now();
    const { report } = await scanJson(dir, ['--max-file-size', '100MB']);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['github-pat-classic']);
    expect(report.findings[0]!.column).toBe(filler.length + 4);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('reports thousands of secrets on one minified line in time linear in their number', async () => {
    const dir = tempDir();
    const line = Array.from({ length: 20_000 }, (_, i) => `db_password="${keys.generic}${i.toString(36)}"`).join(';');
    writeTree(dir, { 'bundle.min.js': `${line}\n` });
    const started = Date.now();
    expect((await run(['scan', '--format', 'json', '--output', 'report.json'], { cwd: dir })).code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    expect(report.findings).toHaveLength(20_000);
    // Each finding's line context masks its neighbours too, and stays short.
    expect(report.findings.every((f) => (f as unknown as { lineText: string }).lineText.length < 200 && !(f as unknown as { lineText: string }).lineText.includes(keys.generic))).toBe(true);
  });

  it('reads invalid UTF-8 and NUL bytes past the binary probe as text', async () => {
    const dir = tempDir();
    writeTree(dir, {
      'latin.txt': Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9, 0xff, 0x0a]), Buffer.from(`key ${keys.github}\n`)]),
      'late-nul.txt': Buffer.concat([Buffer.from('x'.repeat(9000)), Buffer.from([0]), Buffer.from(`\n${keys.stripe}\n`)]),
    });
    const { report } = await scanJson(dir);
    expect(report.findings.map((f) => [f.file, f.line, f.ruleId])).toEqual([
      ['late-nul.txt', 2, 'stripe-live-secret-key'],
      ['latin.txt', 2, 'github-pat-classic'],
    ]);
  });

  it('handles deep trees, symlink loops, FIFOs and names with newlines', async () => {
    const dir = tempDir();
    let deep = dir;
    for (let i = 0; i < 100; i++) deep = join(deep, 'd');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'key.txt'), `${keys.github}\n`);
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    symlinkSync(dir, join(dir, 'self'));
    spawnSync('mkfifo', [join(dir, 'pipe')]);
    writeFileSync(join(dir, 'new\nline.txt'), `${keys.stripe}\n`);
    const { report, code } = await scanJson(dir);
    expect(code).toBe(1);
    expect(report.findings.map((f) => f.file).sort()).toEqual([`${'d/'.repeat(100)}key.txt`, 'new\nline.txt']);
    expect(report.stats.skipped).toEqual({ symlink: 3, 'not-a-file': 1 });
  });

  it('counts and warns about a directory too deep to list (a path over the system limit), and scans the rest', async () => {
    const dir = tempDir();
    writeTree(dir, { 'ok.txt': `${keys.github}\n` });
    // 30 names of 200 characters: past 4096 bytes, which no path may exceed. Made by cd-ing in, as only relative paths reach that deep.
    const name = 'd'.repeat(200);
    const made = spawnSync('sh', ['-c', `mkdir deep && cd deep && for i in $(seq 30); do mkdir ${name} && cd ${name}; done; echo k > key.txt`], { cwd: dir });
    expect(made.status, String(made.stderr)).toBe(0);
    const result = await run(['scan', '--format', 'json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.findings.map((f) => f.file)).toEqual(['ok.txt']);
    expect(report.stats.skipped).toEqual({ unreadable: 1 });
    expect(report.stats.warnings).toHaveLength(1);
    expect(report.stats.warnings[0]).toMatch(new RegExp(`^deep/(${name}/)+: cannot list this directory \\(ENAMETOOLONG\\); its files were not scanned$`));
  });

  it('counts and warns about a directory it may not read (run as nobody when root), and scans the rest', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    writeTree(dir, { 'locked/key.txt': `${keys.stripe}\n`, 'ok.txt': `${keys.github}\n` });
    chmodSync(join(dir, 'ok.txt'), 0o644);
    chmodSync(join(dir, 'locked'), 0o000);
    const result = await runUnprivileged(['scan', '--format', 'json'], dir);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^warning: locked\/: cannot list this directory \(EACCES\); its files were not scanned$/m);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.findings.map((f) => f.file)).toEqual(['ok.txt']);
    expect(report.stats.skipped).toEqual({ unreadable: 1 });
  }, 120_000);

  it('reports a file that vanished before it was read', () => {
    const dir = tempDir();
    expect(readFileBytes(join(dir, 'gone.txt'), 'gone.txt', 1024)).toEqual({ path: 'gone.txt', reason: 'vanished', warning: 'gone.txt: vanished before it could be read' });
  });
});

describe('input files that are not regular files', () => {
  // A real process: before, these hung (a FIFO) or read without end (/dev/zero: 16.8 GB
  // of memory); a regression must fail within the timeout, not take the runner with it.
  const refused = (dir: string, args: string[]) => keyhound(['scan', 'a.txt', ...args], { cwd: dir, timeoutMs: 30_000 });

  it('refuses a config, ignore file or baseline that is a FIFO or a symlink to /dev/zero, naming it', () => {
    const dir = tempDir();
    writeTree(dir, { 'a.txt': 'hello\n' });
    spawnSync('mkfifo', [join(dir, 'fifo')]);
    symlinkSync('/dev/zero', join(dir, 'zero'));
    for (const [option, what] of [['--config', 'config file'], ['--ignore-file', 'ignore file'], ['--baseline', 'baseline']] as const) {
      for (const file of ['fifo', 'zero']) {
        const result = refused(dir, [option, file]);
        expect(result.code, `${option} ${file}: ${result.stderr}`).toBe(2);
        expect(result.stderr).toMatch(new RegExp(`^keyhound: cannot read ${what} \\S*${file} \\(not a regular file\\)\n$`));
      }
    }
  });

  it('refuses the repository\'s own .keyhound.yaml when it is a symlink to /dev/zero', () => {
    const dir = tempDir();
    writeTree(dir, { 'a.txt': 'hello\n' });
    symlinkSync('/dev/zero', join(dir, '.keyhound.yaml'));
    const result = refused(dir, []);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`keyhound: cannot read config file ${join(dir, '.keyhound.yaml')} (not a regular file)\n`);
  });

  it('refuses a baseline over 64 MB without reading it, and reads one behind a symlink', () => {
    const dir = tempDir();
    writeTree(dir, { 'a.txt': 'hello\n', 'base.json': '{"version": 1, "entries": []}\n' });
    const fd = openSync(join(dir, 'huge.json'), 'w');
    ftruncateSync(fd, 65 * 1024 * 1024);
    closeSync(fd);
    symlinkSync('base.json', join(dir, 'link.json'));
    const huge = refused(dir, ['--baseline', 'huge.json']);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toBe('keyhound: cannot read baseline huge.json (larger than 64 MB)\n');
    expect(refused(dir, ['--baseline', 'link.json']).code).toBe(0);
  });
});

describe('config files that once crashed every scan', () => {
  it('takes a custom rule with the id `constructor`, with its own allowlist', async () => {
    const dir = tempDir();
    const rule = "rules:\n  - id: constructor\n    description: Acme key\n    severity: high\n    keywords: [acme_]\n    pattern: '(?<secret>acme_[a-z]{10})!'\n    examples: ['key = acme_qwzmxnvbty!']\n";
    writeTree(dir, { '.keyhound.yaml': rule, 'a.txt': 'key = acme_qwzmxnvbty!\n' });
    const found = await run(['scan', 'a.txt', '--format', 'json'], { cwd: dir });
    expect(found.code, found.stderr).toBe(1);
    expect((JSON.parse(found.stdout) as Report).findings.map((f) => f.ruleId)).toEqual(['constructor']);
    writeTree(dir, { '.keyhound.yaml': `${rule}ruleAllowlists:\n  constructor:\n    regexes: ['^acme_qwz']\n` });
    const allowed = await run(['scan', 'a.txt'], { cwd: dir });
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it('names the file and field of a gitleaks TOML value of the wrong type (exit 2, never the value)', async () => {
    const dir = tempDir();
    writeTree(dir, { 'a.txt': 'hello\n' });
    const cases: Array<[string, string]> = [
      ['[[rules]]\nid = "x"\nregex = 5\n', 'rules[0].regex: must be a string'],
      ['[[rules]]\nid = "x"\nregex = "x(y)"\nkeywords = "xy"\n', 'rules[0].keywords: must be an array of strings'],
      ['[[rules]]\nid = "x"\nregex = "x(y)"\nsecretGroup = 1.5\n', 'rules[0].secretGroup: must be an integer'],
      ['rules = 5\n', 'rules: must be an array of tables ([[rules]])'],
      ['[allowlist]\npaths = "vendor"\n', 'allowlist.paths: must be an array of strings'],
      ['[[allowlists]]\nregexes = ["ok", 3]\n', 'allowlists[0].regexes: must be an array of strings'],
      ['[extend]\nuseDefault = "yes"\n', 'extend.useDefault: must be a boolean'],
    ];
    for (const [toml, message] of cases) {
      writeTree(dir, { 'gitleaks.toml': toml });
      const config = join(dir, 'gitleaks.toml');
      const result = await run(['scan', 'a.txt', '--config', config], { cwd: dir });
      expect(result.code, toml).toBe(2);
      expect(result.stderr).toBe(`keyhound: ${config}: ${message}\n`);
    }
  });
});

describe('hostile git repositories', () => {
  it('warns about a missing object and reports what it could read', async () => {
    const dir = tempDir();
    initRepo(dir);
    writeTree(dir, { 'a.txt': `${keys.github}\n` });
    gitIn(dir, ['add', '-A']);
    gitIn(dir, ['commit', '-qm', 'one']);
    writeTree(dir, { 'b.txt': `${keys.stripe}\n` });
    gitIn(dir, ['add', '-A']);
    gitIn(dir, ['commit', '-qm', 'two']);
    // Remove the first commit's blob: the history is now broken.
    const blob = gitIn(dir, ['rev-parse', 'HEAD~1:a.txt']).trim();
    rmSync(join(dir, '.git/objects', blob.slice(0, 2), blob.slice(2)));
    const result = await run(['history', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/warning: git log stopped early/);
    expect((JSON.parse(result.stdout) as Report).findings.map((f) => f.file)).toEqual(['b.txt']);
  });

  it('scans a 100,000-file commit and a 1 MB commit message', async () => {
    const dir = tempDir();
    initRepo(dir);
    const lines: string[] = ['commit refs/heads/main', 'committer T <t@test.invalid> 1700000000 +0000'];
    const message = `big ${'m'.repeat(1024 * 1024)}`;
    lines.push(`data ${Buffer.byteLength(message)}`, message);
    for (let i = 0; i < 100_000; i++) {
      const content = i === 77_777 ? `${keys.github}\n` : `file ${i}\n`;
      lines.push(`M 100644 inline f/${i % 100}/${i}.txt`, `data ${Buffer.byteLength(content)}`, content.slice(0, -1));
    }
    const imported = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: `${lines.join('\n')}\n`, maxBuffer: 1 << 30 });
    expect(imported.status).toBe(0);
    const started = Date.now();
    const result = await run(['history', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.findings.map((f) => f.file)).toEqual(['f/77/77777.txt']);
    expect(report.stats.commits).toBe(1);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(existsSync(join(dir, '.git'))).toBe(true);
  });
});
