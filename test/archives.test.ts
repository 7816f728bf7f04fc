/**
 * Archives read in memory: the readers on real zip, tar and gzip files (table tests),
 * then scan, staged and history on directories and repositories holding archives.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { archiveFormat, archiveItems, isItemSkipped, type ArchiveFormat } from '../src/sources/archives.js';
import { archiveBudget, scanBudget } from '../src/sources/byte-budget.js';
import { escapesArchive, printableName } from '../src/scan/scan-contents.js';
import { tarBytes, zipBytes } from './helpers/archives.js';
import { commitAll, gitIn, keyhound, repoWith, tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys, fakeRsaPem } from './helpers/keys.js';
import { run } from './helpers/run.js';

const keys = fakeKeys(77);
const MB = 1024 * 1024;

function budget(bytes = 100 * MB, ratio = 100) {
  return archiveBudget(scanBudget(bytes), bytes, ratio);
}

/** Each item as [name, text] or [name, skip reason]. */
function items(bytes: Buffer, format: ArchiveFormat, limit = budget(), name = 'x') {
  return [...archiveItems(bytes, format, limit, name)].map((item) => (isItemSkipped(item) ? [item.name, item.reason] : [item.name, item.bytes.toString('utf8')]));
}

interface Report {
  findings: Array<{ file: string; line: number; column: number; ruleId: string; secret: string }>;
  stats: { files: number; archives?: number; skipped: Record<string, number>; warnings: string[] };
}

async function scanJson(dir: string, args: string[] = []): Promise<Report & { code: number }> {
  const result = await run(['scan', '.', '--format', 'json', ...args], { cwd: dir });
  expect(result.stderr).not.toMatch(/Error|at .*\.ts/);
  return { ...(JSON.parse(result.stdout) as Report), code: result.code };
}

const where = (report: Report) => report.findings.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.ruleId}`);

describe('archiveFormat: what the first bytes say', () => {
  it.each([
    ['zip', () => zipBytes([{ name: 'a.txt', data: 'a' }]), 'zip'],
    ['empty zip', () => zipBytes([]), 'zip'],
    ['gzip', () => gzipSync('hello'), 'gzip'],
    ['tar (GNU)', () => tarBytes({ 'a.txt': 'a' }), 'tar'],
    ['tar (POSIX pax)', () => tarBytes({ 'a.txt': 'a' }, { format: 'posix' }), 'tar'],
    ['bzip2', () => spawnSync('bzip2', ['-c'], { input: 'hello' }).stdout, 'bzip2'],
    ['xz', () => spawnSync('xz', ['-c'], { input: 'hello' }).stdout, 'xz'],
    ['text starting BZh', () => Buffer.from('BZh is not bzip2 without its block magic'), undefined],
    ['text', () => Buffer.from('PK is a name'), undefined],
    ['512 bytes of zeros', () => Buffer.alloc(512), undefined],
  ])('%s', (_, make, format) => {
    expect(archiveFormat(make())).toBe(format);
  });
});

describe('zip entries', () => {
  it('reads deflated and stored entries, leaves directories out, and skips symlinks', () => {
    const zip = zipBytes([
      { name: 'conf/', data: '' },
      { name: 'conf/app.env', data: 'A=1\n' },
      { name: 'README', data: 'stored\n', stored: true },
      { name: 'link', data: '/etc/passwd', symlink: true },
    ]);
    expect(items(zip, 'zip')).toEqual([['conf/app.env', 'A=1\n'], ['README', 'stored\n'], ['link', 'symlink']]);
  });

  it('reads zip64 records', () => {
    expect(items(zipBytes([{ name: 'big.env', data: 'B=2\n' }], { zip64: true }), 'zip')).toEqual([['big.env', 'B=2\n']]);
  });

  it('skips an encrypted entry as unsupported', () => {
    const zip = zipBytes([{ name: 'secret.env', data: 'C=3\n' }]);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt16LE(zip.readUInt16LE(central + 8) | 1, central + 8);
    expect(items(zip, 'zip')).toEqual([['secret.env', 'archive-unsupported']]);
  });

  it('skips an entry compressed past the ratio limit (a bomb) without inflating it', () => {
    const zip = zipBytes([{ name: 'zeros.txt', data: Buffer.alloc(4 * MB) }, { name: 'ok.txt', data: 'ok' }]);
    expect(zip.length).toBeLessThan(40_000);
    expect(items(zip, 'zip')).toEqual([['zeros.txt', 'archive-ratio'], ['ok.txt', 'ok']]);
    // The same entry under a ratio it keeps to is read.
    expect(items(zip, 'zip', budget(100 * MB, 10_000))[0]![1]).toHaveLength(4 * MB);
  });

  it('charges the budget before inflating, and skips what would go over it', () => {
    const zip = zipBytes([{ name: 'a.txt', data: 'a'.repeat(600) }, { name: 'b.txt', data: 'b'.repeat(600) }]);
    expect(items(zip, 'zip', budget(1000))).toEqual([['a.txt', 'a'.repeat(600)], ['b.txt', 'archive-too-large']]);
    const scan = scanBudget(1000);
    expect([...archiveItems(zip, 'zip', archiveBudget(scan, 100 * MB, 100), 'x')].map((item) => isItemSkipped(item) && item.reason)).toEqual([false, 'archive-budget']);
  });

  it('never inflates past the size its header declares', () => {
    const zip = zipBytes([{ name: 'liar.txt', data: 'x'.repeat(5000) }]);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(100, central + 24);
    expect([...archiveItems(zip, 'zip', budget(), 'x')]).toEqual([{ name: 'liar.txt', reason: 'unreadable', warning: 'inflates to more than its header says' }]);
  });

  it('says what is wrong with a damaged zip', () => {
    const zip = zipBytes([{ name: 'a.txt', data: 'a' }]);
    expect(items(zip.subarray(0, 20), 'zip')).toEqual([['', 'unreadable']]);
  });
});

describe('tar and gzip entries', () => {
  it('reads GNU long names, pax long names, and skips links', () => {
    const long = `${'deep/'.repeat(30)}app.env`;
    for (const format of ['gnu', 'posix'] as const) {
      const dir = tempDir();
      writeTree(dir, { [long]: 'D=4\n', 'b.txt': 'b\n' });
      const out = join(dir, 'out.tar');
      spawnSync('ln', ['-s', 'b.txt', join(dir, 'link')]);
      spawnSync('tar', [`--format=${format}`, '-cf', out, '-C', dir, long, 'b.txt', 'link']);
      expect(items(readFileSync(out), 'tar'), format).toEqual([[long, 'D=4\n'], ['b.txt', 'b\n'], ['link', 'symlink']]);
    }
  });

  it('says where a truncated tar ends', () => {
    const tar = tarBytes({ 'a.txt': 'a'.repeat(2000) });
    expect(items(tar.subarray(0, 1024), 'tar')).toEqual([['a.txt', 'unreadable']]);
  });

  it('reads a gzip file as the one file it holds, named by its header or by its own name', () => {
    const named = spawnSync('gzip', ['-c', '--name'], { input: 'E=5\n' }).stdout as Buffer;
    expect(items(gzipSync('E=5\n'), 'gzip', budget(), 'logs/app.env.gz')).toEqual([['app.env', 'E=5\n']]);
    expect(items(named, 'gzip', budget(), 'x.gz')[0]![1]).toBe('E=5\n');
  });

  it('reads a tar.gz as one archive: the entries of its tar', () => {
    expect(items(gzipSync(tarBytes({ 'a.env': 'F=6\n' })), 'gzip', budget(), 'x.tgz')).toEqual([['a.env', 'F=6\n']]);
  });

  it('stops a gzip bomb at the ratio limit, and a large gzip at the budget', () => {
    const bomb = gzipSync(Buffer.alloc(8 * MB));
    expect(items(bomb, 'gzip', budget(), 'bomb.gz')).toEqual([['bomb', 'archive-ratio']]);
    const large = gzipSync(Buffer.from('x'.repeat(3000)));
    expect(items(large, 'gzip', budget(1000), 'large.gz')).toEqual([['large', 'archive-too-large']]);
  });
});

describe('entry names', () => {
  it.each([
    ['../../etc/cron.d/x', true],
    ['a/../../b', true],
    ['/etc/passwd', true],
    ['C:\\Windows\\x', true],
    ['..\\x', true],
    ['a/b..c/d', false],
    ['..hidden/x', false],
    ['conf/app.env', false],
  ])('%s escapes the archive: %s', (name, escapes) => {
    expect(escapesArchive(name)).toBe(escapes);
  });

  it('are shown without control characters', () => {
    expect(printableName('a\nb\u001b[31m.env')).toBe('a\\x0ab\\x1b[31m.env');
  });
});

describe('keyhound scan on archives', () => {
  it('reports a key in a zip, jar or tar.gz at outer!inner/path with the line and column in the entry', async () => {
    const env = `# deploy\nGITHUB_TOKEN=${keys.github}\n`;
    const dir = tempDir();
    writeTree(dir, {
      'dist/app.jar': zipBytes([{ name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\n' }, { name: 'conf/app.env', data: env }]),
      'backup.tgz': gzipSync(tarBytes({ 'srv/.env': env.replace(keys.github, keys.stripe).replace('GITHUB_TOKEN', 'STRIPE_KEY') })),
      'notes.txt.gz': gzipSync(`AWS_ACCESS_KEY_ID=${keys.awsKeyId}\n`),
    });
    const report = await scanJson(dir);
    expect(report.code).toBe(1);
    expect(where(report)).toEqual([
      'backup.tgz!srv/.env:2:12 stripe-live-secret-key',
      'dist/app.jar!conf/app.env:2:14 github-pat-classic',
      'notes.txt.gz!notes.txt:1:19 aws-access-key-id',
    ]);
    expect(report.stats).toMatchObject({ archives: 3, files: 4 });
    expect(JSON.stringify(report)).not.toContain(keys.github);
    const text = await run(['scan', '.'], { cwd: dir });
    expect(text.stdout).toMatch(/✖ 3 leaks found .* in 4 files \(3 archives opened\), /);
  });

  it('opens archives nested to the depth limit, and counts the deeper ones', async () => {
    const innermost = zipBytes([{ name: 'deep.env', data: `GITHUB_TOKEN=${keys.github}\n` }]);
    const middle = gzipSync(tarBytes({ 'lib/inner.zip': innermost }));
    const dir = tempDir();
    writeTree(dir, { 'outer.zip': zipBytes([{ name: 'vendor/middle.tgz', data: middle }]) });
    expect(where(await scanJson(dir))).toEqual(['outer.zip!vendor/middle.tgz!lib/inner.zip!deep.env:1:14 github-pat-classic']);
    const shallow = await scanJson(dir, ['--max-archive-depth', '2']);
    expect(shallow.findings).toEqual([]);
    expect(shallow.stats.skipped).toEqual({ 'archive-depth': 1 });
  });

  it('survives 42.zip-style nesting: bombs are counted as skipped, memory stays within the budget', async () => {
    const bomb = zipBytes(Array.from({ length: 4 }, (_, i) => ({ name: `zeros${i}.bin`, data: Buffer.alloc(16 * MB) })));
    const level2 = zipBytes(Array.from({ length: 8 }, (_, i) => ({ name: `b${i}.zip`, data: bomb, stored: true })));
    const dir = tempDir();
    writeTree(dir, { '42.zip': zipBytes(Array.from({ length: 8 }, (_, i) => ({ name: `a${i}.zip`, data: level2 }))) });
    const before = process.memoryUsage().rss;
    const report = await scanJson(dir);
    expect(report.code).toBe(0);
    expect(report.stats.skipped['archive-ratio']).toBe(8 * 8 * 4);
    // Nothing was inflated: 256 entries of 16 MB would be 4 GB.
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * MB);
  });

  it('counts what goes over the archive and scan budgets as skipped, and goes on', async () => {
    const dir = tempDir();
    const zip = zipBytes(Array.from({ length: 3 }, (_, i) => ({ name: `f${i}.txt`, data: `${'x'.repeat(40 * 1024)}\n` })));
    writeTree(dir, { 'a.zip': zip, 'b.zip': zip, 'plain.env': `GITHUB_TOKEN=${keys.github}\n` });
    const perArchive = await scanJson(dir, ['--max-archive-size', '100KB']);
    expect(perArchive.stats.skipped).toEqual({ 'archive-too-large': 2 });
    expect(where(perArchive)).toEqual(['plain.env:1:14 github-pat-classic']);
    const perScan = await scanJson(dir, ['--max-archive-total', '200KB']);
    expect(perScan.stats.skipped).toEqual({ 'archive-budget': 2 });
  });

  it('names an entry that tries ../ traversal, writes nothing, and still scans what it holds', async () => {
    const name = `../../../tmp/keyhound-traversal-${process.pid}.env`;
    const dir = tempDir();
    writeTree(dir, { 'evil.zip': zipBytes([{ name, data: `GITHUB_TOKEN=${keys.github}\n` }]) });
    const report = await scanJson(dir);
    expect(report.stats.warnings).toEqual([`evil.zip!${name}: the entry's name leads out of the archive (path traversal); read in memory only, as keyhound extracts nothing`]);
    expect(where(report)).toEqual([`evil.zip!${name}:1:14 github-pat-classic`]);
    expect(existsSync(`/tmp/keyhound-traversal-${process.pid}.env`)).toBe(false);
  });

  it('shows an entry name with control characters escaped', async () => {
    const dir = tempDir();
    writeTree(dir, { 'odd.zip': zipBytes([{ name: 'a\u001b[2J.env', data: `GITHUB_TOKEN=${keys.github}\n` }]) });
    expect(where(await scanJson(dir))).toEqual(['odd.zip!a\\x1b[2J.env:1:14 github-pat-classic']);
  });

  it('with --no-archives, counts archives as skipped; bzip2 and xz are counted as unsupported', async () => {
    const dir = tempDir();
    writeTree(dir, {
      'a.zip': zipBytes([{ name: 'a.env', data: `GITHUB_TOKEN=${keys.github}\n` }]),
      'b.env.bz2': spawnSync('bzip2', ['-c'], { input: `GITHUB_TOKEN=${keys.github}\n` }).stdout as Buffer,
      'c.env.xz': spawnSync('xz', ['-c'], { input: `GITHUB_TOKEN=${keys.github}\n` }).stdout as Buffer,
    });
    const off = await scanJson(dir, ['--no-archives']);
    expect(off.findings).toEqual([]);
    expect(off.stats.skipped).toEqual({ archive: 3 });
    const on = await scanJson(dir);
    expect(on.findings).toHaveLength(1);
    expect(on.stats.skipped).toEqual({ 'archive-unsupported': 2 });
  });

  it('reads an archive larger than --max-file-size (up to the archive budget), but not a text file', async () => {
    const dir = tempDir();
    const filler = Array.from({ length: 2000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    writeTree(dir, {
      'big.zip': zipBytes([{ name: 'a.env', data: `GITHUB_TOKEN=${keys.github}\n` }, { name: 'filler.bin', data: Buffer.from(filler), stored: true }]),
      'big.env': `${filler}\nGITHUB_TOKEN=${keys.github}\n`,
    });
    const report = await scanJson(dir, ['--max-file-size', '50KB']);
    expect(where(report)).toEqual(['big.zip!a.env:1:14 github-pat-classic']);
    expect(report.stats.skipped).toEqual({ 'too-large': 2 });
  });

  it('shows outer!inner/path in every report format', async () => {
    const dir = tempDir();
    writeTree(dir, { 'app.war': zipBytes([{ name: 'WEB-INF/classes/app.env', data: `GITHUB_TOKEN=${keys.github}\n` }]) });
    for (const format of ['text', 'json', 'sarif', 'junit', 'csv', 'gitlab', 'github', 'html']) {
      const result = await run(['scan', '.', '--format', format], { cwd: dir });
      expect(result.code, format).toBe(1);
      expect(result.stdout, format).toContain('app.war!WEB-INF/classes/app.env');
      expect(result.stdout, format).not.toContain(keys.github);
    }
  });

  it('scans archives in worker threads, drawing on one budget (the built CLI)', () => {
    const dir = tempDir();
    const files: Record<string, string | Buffer> = {};
    for (let i = 0; i < 300; i++) files[`src/f${i}.txt`] = `nothing here ${i}\n`;
    const zip = zipBytes([{ name: 'a.env', data: `GITHUB_TOKEN=${keys.github}\n# ${'p'.repeat(60 * 1024)}\n` }]);
    for (let i = 0; i < 6; i++) files[`jars/lib${i}.jar`] = zip;
    writeTree(dir, files);
    // Spawned: worker threads run only in the built package (src/bundled.ts).
    const result = keyhound(['scan', '.', '--format', 'json', '--max-archive-total', '200KB'], { cwd: dir });
    const report = JSON.parse(result.stdout) as Report;
    // 60 KB a jar within a 200 KB budget: three jars are read, whichever threads read them.
    expect(report.findings).toHaveLength(3);
    expect(report.stats.skipped).toEqual({ 'archive-budget': 3 });
  });
});

describe('archives in the diff modes', () => {
  const jar = (entries: Record<string, string>) => zipBytes(Object.entries(entries).map(([name, data]) => ({ name, data })));

  it('staged leaves archives to --archives (the hook stays fast)', async () => {
    const dir = repoWith({ 'README.md': 'hi\n' });
    commitAll(dir, 'base');
    writeTree(dir, { 'lib/app.jar': jar({ 'conf/app.env': `GITHUB_TOKEN=${keys.github}\n` }) });
    gitIn(dir, ['add', '-A']);
    const off = await run(['staged', '--format', 'json'], { cwd: dir });
    expect(off.code).toBe(0);
    expect((JSON.parse(off.stdout) as Report).stats.skipped).toEqual({ archive: 1 });
    const on = await run(['staged', '--archives', '--format', 'json'], { cwd: dir });
    expect(on.code).toBe(1);
    expect(where(JSON.parse(on.stdout) as Report)).toEqual(['lib/app.jar!conf/app.env:1:14 github-pat-classic']);
  });

  it('history finds a key in an archive a later commit deleted, and in a changed archive only what is new', async () => {
    const dir = repoWith({ 'build/app.jar': jar({ 'conf/app.env': `GITHUB_TOKEN=${keys.github}\n` }) });
    const first = commitAll(dir, 'add the jar');
    writeTree(dir, { 'build/app.jar': jar({ 'conf/app.env': `GITHUB_TOKEN=${keys.github}\n`, 'conf/more.env': `STRIPE_KEY=${keys.stripe}\n` }) });
    const second = commitAll(dir, 'add a key to the jar');
    gitIn(dir, ['rm', '-q', 'build/app.jar']);
    commitAll(dir, 'remove the jar');
    const result = await run(['history', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: Array<{ file: string; ruleId: string; commit: { sha: string } }> };
    expect(report.findings.map((finding) => [finding.file, finding.ruleId, finding.commit.sha])).toEqual([
      ['build/app.jar!conf/app.env', 'github-pat-classic', first],
      ['build/app.jar!conf/more.env', 'stripe-live-secret-key', second],
    ]);
    const off = await run(['history', '--no-archives', '--format', 'json'], { cwd: dir });
    expect(off.code).toBe(0);
  });

  it('a private key in a tar.gz committed in history', async () => {
    const dir = repoWith({ 'backup.tar.gz': gzipSync(tarBytes({ 'home/.ssh/id_rsa': fakeRsaPem() })) });
    commitAll(dir, 'backup');
    const report = JSON.parse((await run(['history', '--format', 'json'], { cwd: dir })).stdout) as Report;
    expect(where(report)).toEqual(['backup.tar.gz!home/.ssh/id_rsa:1:1 pem-private-key']);
  });
});
