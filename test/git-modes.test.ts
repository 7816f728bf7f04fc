/** The git modes end to end, in process: real repositories, real commits, real git. */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeKeys } from './helpers/keys.js';
import { builtinRuleFiles } from '../src/rules/builtin-rules.js';
import { revListArguments } from '../src/scan/history.js';
import { commitAll, gitIn, repoWith, tempDir } from './helpers/cli.js';
import { run } from './helpers/run.js';

const keys = fakeKeys(11);
const other = fakeKeys(12);

interface Report {
  findings: Array<{ ruleId: string; file: string; line: number; column: number; commit?: { sha: string; author: string; message: string }; history?: { commits: number; paths: string[]; presentAtHead: boolean } }>;
  stats: { files: number; rules: number; commits?: number; skipped: Record<string, number>; warnings: string[] };
}
const parse = (stdout: string): Report => JSON.parse(stdout) as Report;

describe('keyhound staged', () => {
  it('checks the index, not the working tree, with the staged file\'s line numbers', async () => {
    const dir = repoWith({ 'app.env': 'A=1\n' });
    commitAll(dir, 'init');
    writeFileSync(join(dir, 'app.env'), `A=1\nB=2\nGITHUB_TOKEN=${keys.github}\n`);
    gitIn(dir, ['add', 'app.env']);
    // Edited after `git add`: the working tree no longer has the key, the index does.
    writeFileSync(join(dir, 'app.env'), 'A=1\nB=2\n');
    // As git runs it from a pre-commit hook (GIT_INDEX_FILE set): then it says how to get unstuck.
    const staged = await run(['staged', '--format', 'json'], { cwd: dir, env: { GIT_INDEX_FILE: '.git/index' } });
    expect(staged.code).toBe(1);
    expect(parse(staged.stdout).findings.map((f) => [f.file, f.line, f.column, f.ruleId])).toEqual([['app.env', 3, 14, 'github-pat-classic']]);
    expect(staged.stderr).toMatch(/git commit --no-verify/);
  });

  it('ignores a key that is only in the working tree', async () => {
    const dir = repoWith({ 'a.txt': 'one\n' });
    commitAll(dir, 'init');
    writeFileSync(join(dir, 'a.txt'), `one\n${keys.stripe}\n`);
    expect((await run(['staged'], { cwd: dir })).code).toBe(0);
  });

  it('works on the first commit, with spaces, non-ASCII names, CRLF and binary files', async () => {
    const dir = repoWith({
      'with space/ñame é.txt': `x\r\ntoken: ${keys.github}\r\n`,
      'blob.bin': Buffer.concat([Buffer.from([0, 0, 1]), Buffer.from(keys.stripe)]).toString('latin1'),
    });
    gitIn(dir, ['add', '-A']);
    const report = parse((await run(['staged', '--format', 'json'], { cwd: dir })).stdout);
    expect(report.findings.map((f) => [f.file, f.line, f.column])).toEqual([['with space/ñame é.txt', 2, 8]]);
    expect(report.stats.skipped.binary).toBe(1);
  });

  it('does not report a key that a rename merely moves', async () => {
    const dir = repoWith({ 'old.txt': `k=${keys.github}\n` });
    commitAll(dir, 'init');
    gitIn(dir, ['mv', 'old.txt', 'new.txt']);
    expect((await run(['staged'], { cwd: dir })).code).toBe(0);
  });

  it('works during a merge with a conflict resolved', async () => {
    const dir = repoWith({ 'a.txt': 'base\n' });
    commitAll(dir, 'base');
    gitIn(dir, ['checkout', '-q', '-b', 'feature']);
    writeFileSync(join(dir, 'a.txt'), 'feature\n');
    commitAll(dir, 'feature');
    gitIn(dir, ['checkout', '-q', 'main']);
    writeFileSync(join(dir, 'a.txt'), 'main\n');
    commitAll(dir, 'main');
    spawnSync('git', ['merge', 'feature'], { cwd: dir });
    writeFileSync(join(dir, 'a.txt'), `resolved ${keys.stripe}\n`);
    gitIn(dir, ['add', 'a.txt']);
    const report = parse((await run(['staged', '--format', 'json'], { cwd: dir })).stdout);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['stripe-live-secret-key']);
  });

  it('counts the same rules with nothing staged (the built rules are not read then) as with a change', async () => {
    const dir = repoWith({ '.keyhound.yaml': 'disable: [stripe-live-secret-key, no-such-rule]\n', 'a.txt': 'one\n' });
    commitAll(dir, 'init');
    const empty = await run(['staged', '--format', 'json'], { cwd: dir });
    writeFileSync(join(dir, 'a.txt'), `one\n${keys.stripe}\n${keys.github}\n`);
    gitIn(dir, ['add', 'a.txt']);
    const changed = await run(['staged', '--format', 'json'], { cwd: dir });
    const builtin = (await builtinRuleFiles()).flatMap((file) => file.rules).length;
    expect([empty.code, changed.code]).toEqual([0, 1]);
    expect([parse(empty.stdout).stats.rules, parse(changed.stdout).stats.rules]).toEqual([builtin - 1, builtin - 1]);
    expect(parse(changed.stdout).findings.map((f) => f.ruleId)).toEqual(['github-pat-classic']);
    for (const run of [empty, changed]) expect(run.stderr).toMatch(/disable: no rule has the id no-such-rule/);
  });

  it('says so outside a git repository (exit 2)', async () => {
    const { code, stderr } = await run(['staged'], { cwd: tempDir() });
    expect(code).toBe(2);
    expect(stderr).toMatch(/not a git repository: .*use `keyhound scan`/);
  });
});

describe('keyhound history', () => {
  it('names a revision that is not one before asking git anything, even outside a repository (exit 2)', async () => {
    for (const cwd of [tempDir(), repoWith({ 'a.txt': 'a\n' })]) {
      const { code, stderr } = await run(['history', '--range=-x..HEAD'], { cwd });
      expect([code, stderr]).toEqual([2, 'keyhound: --range: not a revision: -x..HEAD\n']);
    }
  });

  it('names a repository argument that is not a directory (exit 2)', async () => {
    const { code, stderr } = await run(['history', 'no-such-repo'], { cwd: tempDir() });
    expect([code, stderr]).toEqual([2, 'keyhound: history: not a directory: no-such-repo\n']);
  });

  it('finds a key a later commit deleted, at the commit that introduced it', async () => {
    const dir = repoWith({ 'a.txt': 'start\n' });
    commitAll(dir, 'start');
    writeFileSync(join(dir, 'a.txt'), `start\nkey = ${keys.github}\n`);
    const introduced = commitAll(dir, 'add key');
    writeFileSync(join(dir, 'b.txt'), `copy ${keys.github}\n`);
    commitAll(dir, 'copy key');
    writeFileSync(join(dir, 'a.txt'), 'start\n');
    writeFileSync(join(dir, 'b.txt'), 'clean\n');
    commitAll(dir, 'remove key');
    const { code, stdout } = await run(['history', '--format', 'json'], { cwd: dir });
    expect(code).toBe(1);
    const report = parse(stdout);
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding).toMatchObject({ file: 'a.txt', line: 2, column: 7, commit: { sha: introduced, author: 'Test Author', message: 'add key' } });
    // position: newest first, so in a straight line the number of commits after it.
    const position = Number(gitIn(dir, ['rev-list', '--count', `${introduced}..HEAD`]));
    expect(finding!.history).toEqual({ commits: 2, paths: ['a.txt', 'b.txt'], presentAtHead: false, position });
    expect(report.stats.commits).toBe(4);
  });

  it('says whether the key is still at HEAD', async () => {
    const dir = repoWith({ 'a.txt': `${keys.stripe}\n` });
    commitAll(dir, 'one');
    expect(parse((await run(['history', '--format', 'json'], { cwd: dir })).stdout).findings[0]?.history?.presentAtHead).toBe(true);
  });

  it('scans all refs by default, or only HEAD with --all-refs=false, or a --range', async () => {
    const dir = repoWith({ 'a.txt': 'a\n' });
    const base = commitAll(dir, 'base');
    gitIn(dir, ['checkout', '-q', '-b', 'side']);
    writeFileSync(join(dir, 'side.txt'), `${keys.github}\n`);
    commitAll(dir, 'side');
    gitIn(dir, ['checkout', '-q', 'main']);
    writeFileSync(join(dir, 'main.txt'), `${other.stripe}\n`);
    commitAll(dir, 'main');
    const files = async (args: string[]) => parse((await run(['history', '--format', 'json', ...args], { cwd: dir })).stdout).findings.map((f) => f.file);
    expect(await files([])).toEqual(['main.txt', 'side.txt']);
    expect(await files(['--all-refs=false'])).toEqual(['main.txt']);
    expect(await files(['--range', `${base}..side`])).toEqual(['side.txt']);
    expect(await files(['--branch', 'side'])).toEqual(['side.txt']);
    expect(await files(['--max-commits', '1', '--all-refs=false'])).toEqual(['main.txt']);
  });

  it('handles an empty repository and a bad range', async () => {
    const dir = repoWith({});
    const empty = await run(['history', '--format', 'json'], { cwd: dir });
    expect(empty.code).toBe(0);
    const bad = await run(['history', '--range', 'nope..HEAD'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/git log failed/);
    expect(() => revListArguments({ ranges: ['--output=/tmp/x'] })).toThrow(/not a revision/);
  });

  it('warns on a shallow clone and scans what is there', async () => {
    const origin = repoWith({ 'a.txt': 'a\n' });
    commitAll(origin, 'one');
    writeFileSync(join(origin, 'b.txt'), `${keys.github}\n`);
    commitAll(origin, 'two');
    const clone = tempDir();
    gitIn(clone, ['clone', '-q', '--depth', '1', `file://${origin}`, 'c']);
    const result = await run(['history', '--format', 'json'], { cwd: join(clone, 'c') });
    expect(result.stderr).toMatch(/shallow clone/);
    expect(parse(result.stdout).findings.map((f) => f.file)).toEqual(['b.txt']);
  });
});

describe('keyhound ci', () => {
  it('scans only the commits the branch adds', async () => {
    const origin = repoWith({ 'old.txt': `${keys.github}\n` });
    commitAll(origin, 'old leak on main');
    const work = tempDir();
    gitIn(work, ['clone', '-q', origin, 'w']);
    const dir = join(work, 'w');
    gitIn(dir, ['checkout', '-q', '-b', 'feature']);
    writeFileSync(join(dir, 'one.txt'), `${keys.stripe}\n`);
    commitAll(dir, 'one');
    writeFileSync(join(dir, 'two.txt'), `AWS_ACCESS_KEY_ID=${keys.awsKeyId}\n`);
    commitAll(dir, 'two');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_BASE_REF: 'main' };
    const result = await run(['ci', '--format', 'json'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/origin\/main\.\.HEAD/);
    const report = parse(result.stdout);
    expect(report.findings.map((f) => f.file)).toEqual(['one.txt', 'two.txt']);
    expect(report.stats.commits).toBe(2);
  });
});

describe('a hostile repository executes nothing', () => {
  it('runs no fsmonitor, external diff, textconv, hook or alias in any mode', async () => {
    const dir = repoWith({ 'a.txt': `${keys.github}\n`, '.gitattributes': '*.txt diff=evil\n' });
    const marker = join(dir, 'PWNED');
    const evil = join(dir, 'evil.sh');
    writeFileSync(evil, `#!/bin/sh\ntouch "${marker}"\n`);
    chmodSync(evil, 0o755);
    commitAll(dir, 'one');
    writeFileSync(join(dir, 'a.txt'), `${other.github}\n`);
    gitIn(dir, ['add', 'a.txt']);
    for (const [key, value] of [
      ['core.fsmonitor', evil], ['diff.external', evil], ['diff.evil.textconv', evil], ['core.hooksPath', dir],
      ['alias.log', `!${evil}`], ['alias.diff', `!${evil}`], ['core.pager', evil], ['log.showSignature', 'true'], ['gpg.program', evil],
    ]) gitIn(dir, ['config', key!, value!]);
    writeFileSync(join(dir, 'pre-commit'), `#!/bin/sh\ntouch "${marker}"\n`);
    chmodSync(join(dir, 'pre-commit'), 0o755);
    for (const args of [['scan'], ['staged'], ['history'], ['ci', '--base', 'HEAD~0']]) {
      const result = await run(args, { cwd: dir });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(args[0] === 'ci' ? 0 : 1);
      expect(existsSync(marker), args.join(' ')).toBe(false);
    }
  });
});
