/**
 * One option table: the hook's fast path (node:util) and the full CLI (yargs) read the
 * same arguments the same way. Path filters: --include / --exclude on every command.
 */
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { HISTORY_OPTIONS, historyArgs, reportArgs, type HistoryArgs } from '../src/cli/options.js';
import { withReportOptions } from '../src/cli/report-options.js';
import { parseHistoryArgs, parseStagedArgs } from '../src/cli/fast-path.js';
import { pathFilter } from '../src/scan/path-filter.js';
import { commitAll, gitIn, repoWith, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

const keys = fakeKeys(31);

/** What the full CLI's `staged` command makes of the arguments. */
async function viaYargs(argv: string[]) {
  const parsed = await withReportOptions(yargs(argv)).strict().exitProcess(false).fail((message, error) => {
    throw error ?? new Error(message);
  }).parseAsync();
  return reportArgs(parsed);
}

describe('the staged fast path and yargs', () => {
  it.each([
    [[]],
    [['-f', 'json']],
    [['--format=sarif', '-o', 'out.sarif']],
    [['-q', '--show-secrets', '--no-color']],
    [['--color']],
    [['--max-file-size', '512KB', '--fail-on', 'high']],
    [['--config', 'x.yaml', '--baseline', 'b.json', '--ignore-file', 'i.txt', '--report-suppressed']],
    [['--include', 'src/**', '--include', '*.env', '--exclude', 'vendor']],
    [['-c', 'x.yaml', '-f', 'github']],
    [['--archives']],
    [['--no-archives', '--no-color']],
    [['--archives', '--max-archive-size', '5MB', '--max-archive-total', '1GB', '--max-archive-ratio', '50', '--max-archive-depth', '1']],
  ])('parse %j the same way', async (argv) => {
    expect(parseStagedArgs(argv)).toEqual(await viaYargs(argv));
  });

  it.each([[['-f', 'xml']], [['--fail-on', 'urgent']], [['--bogus']], [['extra']], [['--help']]])('leave %j to yargs, which explains it', (argv) => {
    expect(parseStagedArgs(argv)).toBeUndefined();
  });
});

/** What the full CLI's `history` command (main.ts) makes of the arguments. */
async function historyViaYargs(argv: string[]): Promise<HistoryArgs | undefined> {
  let args: HistoryArgs | undefined;
  await yargs(['history', ...argv])
    .command('history [repo]', '', (y) => withReportOptions(y).positional('repo', { type: 'string' }).options(HISTORY_OPTIONS), (a) => {
      args = historyArgs({ ...a, cache: a.cache as string | false | undefined });
    })
    .strict().exitProcess(false).fail((message, error) => {
      throw error ?? new Error(message);
    }).parseAsync();
  return args;
}

describe('the history fast path and yargs', () => {
  it.each([
    [[]],
    [['--no-cache']],
    [['--cache', '/tmp/audit-cache', '-f', 'json', '-o', 'report.json']],
    [['../other-repo', '--quiet']],
    [['123']],
    [['--range', 'a..b', '--range', 'c..d']],
    [['--branch', 'main', '--since', '2 weeks ago', '--max-commits', '50']],
    [['--max-commits', '0', '--shard', '2/3', '--unreachable']],
    [['--all-refs', '--no-baseline', '--include', 'src/**']],
  ])('parse %j the same way', async (argv) => {
    expect(parseHistoryArgs(argv)).toEqual(await historyViaYargs(argv));
  });

  it.each([
    [['--all-refs=false']], [['--no-all-refs']], [['--max-commits', 'abc']], [['--max-commits', '1e3']], [['--shard', '4/3']], [['--shard', 'half']],
    [['a', 'b']], [['--cache', 'dir', '--no-cache']], [['--help']], [['-']], [['--', 'repo']], [['--maxCommits', '3']], [['--branch']], [['--max-file-size', 'lots']],
  ])('leave %j to yargs, which reads or explains it', (argv) => {
    expect(parseHistoryArgs(argv)).toBeUndefined();
  });
});

describe('archive options', () => {
  it('leave the switch to the command unless given, and read the budgets', () => {
    expect(reportArgs({})).toMatchObject({ archiveLimits: {} });
    expect(reportArgs({}).archives).toBeUndefined();
    expect(reportArgs({ archives: false, 'max-archive-size': '2MB', 'max-archive-depth': '2' })).toMatchObject({
      archives: false,
      archiveLimits: { maxSize: 2 * 1024 * 1024, maxDepth: 2 },
    });
  });

  it.each([
    [['--max-archive-ratio', '0'], 'keyhound: --max-archive-ratio: not a whole number (1 or more): 0\n'],
    [['--max-archive-depth', 'deep'], 'keyhound: --max-archive-depth: not a whole number (1 or more): deep\n'],
    [['--max-archive-size', 'lots'], 'keyhound: --max-archive-size: not a size: lots (use bytes or a unit: 512KB, 10MB)\n'],
  ])('%j is an error naming the option, exit 2, in scan and in the hook', async (argv, message) => {
    const dir = repoWith({ 'a.txt': 'a\n' });
    for (const command of ['scan', 'staged']) {
      const result = await run([command, ...argv], { cwd: dir });
      expect([command, result.code, result.stderr]).toEqual([command, 2, message]);
    }
  });
});

describe('--include and --exclude', () => {
  it.each([
    ['a glob without a slash matches at any depth', ['*.env'], [], ['app.env', 'deploy/prod.env'], ['app.js', 'env/app.js']],
    ['a directory covers what is under it', [], ['vendor', 'build/'], ['src/a.js'], ['vendor/x.js', 'lib/vendor/y.js', 'build/out.js']],
    ['** crosses directories, * does not', ['src/**/*.ts'], [], ['src/a.ts', 'src/x/y/b.ts'], ['src/a.js', 'lib/a.ts']],
    ['exclude wins over include', ['src/'], ['src/generated/'], ['src/a.js'], ['src/generated/a.js', 'README.md']],
    ['dot files are paths like any other', [], ['.github'], ['a.env'], ['.github/workflows/ci.yml']],
  ])('%s', async (_, include, exclude, scanned, left) => {
    const filter = (await pathFilter(include, exclude))!;
    for (const path of scanned) expect(filter(path), path).toBe(true);
    for (const path of left) expect(filter(path), path).toBe(false);
  });

  it('needs no matcher without globs', async () => {
    expect(await pathFilter([], [])).toBeUndefined();
  });

  it('apply to scan, staged, ci and history, counting what they leave out', async () => {
    const dir = repoWith({ 'README.md': 'hi\n' });
    const base = commitAll(dir, 'base');
    writeTree(dir, { 'src/app.env': `STRIPE_KEY=${keys.stripe}\n`, 'vendor/lib.env': `GITHUB_TOKEN=${keys.github}\n` });
    const ruleIds = async (args: string[]) => {
      const result = await run([...args, '--format', 'json', '--exclude', 'vendor'], { cwd: dir, env: { GITHUB_ACTIONS: '', GITLAB_CI: '' } });
      const report = JSON.parse(result.stdout) as { findings: Array<{ ruleId: string }>; stats: { skipped: Record<string, number> } };
      expect(report.stats.skipped.excluded).toBe(1);
      return report.findings.map((finding) => finding.ruleId);
    };
    expect(await ruleIds(['scan', '.'])).toEqual(['stripe-live-secret-key']);
    gitIn(dir, ['add', '-A']);
    expect(await ruleIds(['staged'])).toEqual(['stripe-live-secret-key']);
    commitAll(dir, 'keys');
    expect(await ruleIds(['ci', '--base', base])).toEqual(['stripe-live-secret-key']);
    expect(await ruleIds(['history'])).toEqual(['stripe-live-secret-key']);
  });
});

describe('an option given twice', () => {
  it('takes its last value, and a repeatable one collects every value (scan, history, staged)', async () => {
    const dir = repoWith({ 'a.env': `STRIPE=${keys.stripe}\n`, 'src/b.env': `STRIPE=${keys.stripe}\n` });
    commitAll(dir, 'keys');
    const configs = ['--config', 'missing.yaml', '--config', 'none.yaml'];
    for (const argv of [['scan', '.', ...configs], ['history', '--no-cache', '--no-cache', ...configs]]) {
      const result = await run(argv, { cwd: dir });
      expect(result.stderr, argv[0]).toMatch(/^keyhound: cannot read config file \S*none\.yaml/);
      expect(result.code).toBe(2);
    }
    const both = await run(['scan', '.', '-f', 'json', '-f', 'text', '--include', 'a.env', '--include', 'src/**'], { cwd: dir });
    expect(both.stdout).toMatch(/^a\.env:1:/m);
    expect(both.stdout).toMatch(/^src\/b\.env:1:/m);
    writeTree(dir, { 'c.env': `STRIPE=${keys.stripe}\n` });
    gitIn(dir, ['add', 'c.env']);
    const staged = await run(['staged', '-f', 'json', '-f', 'text'], { cwd: dir, env: { GIT_INDEX_FILE: '.git/index' } });
    expect(staged.stdout).toMatch(/^c\.env:1:/m);
  });
});
