/**
 * `--output FILE`: a regular file is replaced whole; a device or a FIFO is written to as
 * a stream and stays what it is (before, as root, `-o /dev/null` turned the null device
 * into a regular file).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, chmodSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

const keys = fakeKeys(41);
const isRoot = process.getuid?.() === 0;

function repoWithKey(): string {
  const dir = tempDir();
  writeTree(dir, { 'a.txt': `token = "${keys.github}"\n` });
  return dir;
}

describe('--output', () => {
  it('writes the report to a FIFO as a stream, and the FIFO stays a FIFO', async () => {
    const dir = repoWithKey();
    spawnSync('mkfifo', [join(dir, 'pipe')]);
    const chunks: Buffer[] = [];
    const read = new Promise<string>((resolve, reject) => {
      createReadStream(join(dir, 'pipe'))
        .on('data', (chunk) => chunks.push(chunk as Buffer))
        .on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
        .on('error', reject);
    });
    const result = await run(['scan', 'a.txt', '--format', 'json', '--output', 'pipe'], { cwd: dir });
    expect(result.code, result.stderr).toBe(1);
    expect((JSON.parse(await read) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId)).toEqual(['github-pat-classic']);
    expect(lstatSync(join(dir, 'pipe')).isFIFO()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'pipe']);
  });

  it.runIf(isRoot)('writes to a character device (a null device made with mknod) and leaves it a device', async () => {
    const dir = repoWithKey();
    expect(spawnSync('mknod', [join(dir, 'null'), 'c', '1', '3']).status).toBe(0);
    const device = lstatSync(join(dir, 'null')).rdev;
    const result = await run(['scan', 'a.txt', '--output', 'null'], { cwd: dir });
    expect(result.code, result.stderr).toBe(1);
    const stat = lstatSync(join(dir, 'null'));
    expect(stat.isCharacterDevice()).toBe(true);
    expect(stat.rdev).toBe(device);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'null']);
  });

  it('replaces a regular file whole, no more permissive than it was, and leaves nothing beside it', async () => {
    const dir = repoWithKey();
    writeTree(dir, { 'report.txt': 'old report, longer than the new one will be '.repeat(100) });
    chmodSync(join(dir, 'report.txt'), 0o600);
    const result = await run(['scan', 'a.txt', '--output', 'report.txt'], { cwd: dir });
    expect(result.code, result.stderr).toBe(1);
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toMatch(/^a\.txt:1:\d+ {2}github-pat-classic/);
    expect(statSync(join(dir, 'report.txt')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'report.txt']);
  });

  it('through a symlink, replaces the file it points to and keeps the link', async () => {
    const dir = repoWithKey();
    writeTree(dir, { 'reports/latest.json': '{}' });
    symlinkSync('reports/latest.json', join(dir, 'report.json'));
    const result = await run(['scan', 'a.txt', '--format', 'json', '--output', 'report.json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(1);
    expect(readlinkSync(join(dir, 'report.json'))).toBe('reports/latest.json');
    expect(readFileSync(join(dir, 'reports/latest.json'), 'utf8')).toMatch(/"ruleId": "github-pat-classic"/);
    expect(readdirSync(join(dir, 'reports'))).toEqual(['latest.json']);
  });

  it('names the report it cannot write (a directory), exit 2', async () => {
    const dir = repoWithKey();
    writeTree(dir, { 'out/x': '' });
    const result = await run(['scan', 'a.txt', '--output', 'out'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('keyhound: cannot write report out (EISDIR)\n');
  });
});
