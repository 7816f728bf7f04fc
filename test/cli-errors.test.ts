/**
 * The errors a user hits: a pipe closed early, a missing build, a bad command line,
 * a bad config, a rule id that names no rule. Each error is one line on stderr and
 * exit 2 (a closed pipe is no error at all; an unknown rule id is a warning).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, gitIn, initRepo, keyhound, tempDir, writeTree, type RunResult } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

const STACK_LINE = /\n\s+at /;

/** A repository whose staged and working-tree report is well over a pipe's 64 KB. */
function repoWithManyLeaks(): string {
  const dir = tempDir();
  initRepo(dir);
  const lines = Array.from({ length: 6000 }, (_, i) => `STRIPE_KEY_${i}=${fakeKeys(i + 1).stripe}`);
  writeTree(dir, { 'keys.env': `${lines.join('\n')}\n` });
  gitIn(dir, ['add', 'keys.env']);
  return dir;
}

/**
 * A bash pipeline whose first command is keyhound with `args`, with keyhound's own
 * exit code (bash's PIPESTATUS) and the pipeline's stdout.
 */
function pipeline(args: string[], cwd: string, build: (keyhoundCommand: string) => string): RunResult {
  const command = [process.execPath, BIN, ...args].map((arg) => `'${arg}'`).join(' ');
  const script = `${build(command)}; echo "keyhound exit \${PIPESTATUS[0]}" >&2`;
  const result = spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const exit = /keyhound exit (\d+)\n$/.exec(result.stderr);
  return { code: Number(exit?.[1] ?? -1), stdout: result.stdout, stderr: result.stderr.slice(0, exit?.index) };
}

/** `keyhound ARGS | head -1`. */
function pipedIntoHead(args: string[], cwd: string): RunResult {
  return pipeline(args, cwd, (keyhound) => `${keyhound} | head -1`);
}

/**
 * keyhound with its stdout a pipe whose reader has already gone, however short the
 * output: the reader closes its end and only then lets keyhound start (a FIFO orders them).
 */
function intoClosedPipe(args: string[], cwd: string): RunResult {
  const ready = join(tempDir(), 'ready');
  return pipeline(args, cwd, (keyhound) => `mkfifo '${ready}'; { read _ < '${ready}'; exec ${keyhound}; } | { exec 0<&-; echo > '${ready}'; }`);
}

describe('a reader that stops early (keyhound … | head -1)', () => {
  const dir = repoWithManyLeaks();

  it.each([[['scan']], [['scan', '--format', 'json']], [['staged']]])('%j ends quietly with the exit code of its findings', async (args) => {
    // The report is far larger than the pipe, so head has gone before it is written.
    expect((await run(args, { cwd: dir })).stdout.length).toBeGreaterThan(1 << 20);
    const piped = pipedIntoHead(args, dir);
    expect(piped.stdout.split('\n')).toHaveLength(2);
    expect(piped.stderr).not.toMatch(/EPIPE|internal error|Error/);
    expect(piped.stderr).not.toMatch(STACK_LINE);
    expect(piped.code).toBe(1);
  });

  it.each([[['rules', 'list']], [['rules', 'list', '--format', 'json']], [['--help']]])('%j into a pipe already closed ends quietly, exit 0', (args) => {
    const closed = intoClosedPipe(args, dir);
    expect(closed.stderr).toBe('');
    expect(closed.code).toBe(0);
  });
});

describe('a write that fails for another reason', () => {
  it.skipIf(!existsSync('/dev/full'))('is one line and exit 2 (stdout on a full disk)', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const result = spawnSync(process.execPath, [BIN, 'rules', 'list'], { cwd: tempDir(), stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      expect(result.stderr).toBe('keyhound: cannot write to standard output (ENOSPC)\n');
      expect(result.status).toBe(2);
    } finally {
      closeSync(full);
    }
  });
});

describe('a package without its build (dist/) or its bundle (bundle/)', () => {
  // Spawned: what is tested is the bin's own start-up, before any of keyhound loads.
  const copy = tempDir('keyhound-pkg-');
  for (const part of ['package.json', 'bin']) cpSync(join(import.meta.dirname, '..', part), join(copy, part), { recursive: true });
  const bin = join(copy, 'bin', 'keyhound.cjs');

  it('says to reinstall it, in one line, exit 2', () => {
    const result = keyhound(['scan'], { cwd: tempDir(), bin });
    expect(result.stderr).toBe(`keyhound: cannot load ${join(copy, 'bundle', 'keyhound.mjs')} (ERR_MODULE_NOT_FOUND): reinstall keyhound (in a checkout of keyhound: npm run compile)\n`);
    expect(result.code).toBe(2);
  });

  it('prints the stack with KEYHOUND_DEBUG=1', () => {
    const result = keyhound(['scan'], { cwd: tempDir(), bin, env: { KEYHOUND_DEBUG: '1' } });
    expect(result.stderr).toMatch(/^keyhound: cannot load .*keyhound\.mjs/);
    expect(result.stderr).toMatch(STACK_LINE);
    expect(result.code).toBe(2);
  });
});

describe('a bad command line is one line, exit 2', () => {
  const dir = tempDir();
  initRepo(dir);

  it.each([
    [['history', '--range'], 'keyhound: --range: needs a value\n'],
    [['history', '--range', '--quiet'], 'keyhound: --range: needs a value\n'],
    [['history', '--since'], 'keyhound: --since: needs a value\n'],
    [['history', '--branch'], 'keyhound: --branch: needs a value\n'],
    [['scan', '-f'], 'keyhound: -f: needs a value\n'],
    [['scan', '--format'], 'keyhound: --format: needs a value\n'],
    [['scan', '-o'], 'keyhound: -o: needs a value\n'],
    [['scan', '--config'], 'keyhound: --config: needs a value\n'],
    [['ci', '--base'], 'keyhound: --base: needs a value\n'],
    [['rules', 'list', '-f'], 'keyhound: -f: needs a value\n'],
    [['baseline', 'create', '-o'], 'keyhound: -o: needs a value\n'],
    [['scan', '--format', 'xml'], 'keyhound: --format: "xml" is not one of text, json, jsonl, sarif, junit, csv, gitlab, github, html\n'],
    [['scan', '-f', 'xml', '--fail-on', 'severe'], 'keyhound: --format: "xml" is not one of text, json, jsonl, sarif, junit, csv, gitlab, github, html; --fail-on: "severe" is not one of critical, high, medium, low\n'],
    [['rules', 'list', '--format', 'xml'], 'keyhound: --format: "xml" is not one of text, json\n'],
    [['history', '--max-commits', 'ten'], 'keyhound: --max-commits: not a whole number (0 or more)\n'],
    [['history', '--max-commits', '-1'], 'keyhound: --max-commits: not a whole number (0 or more)\n'],
    [['scan', '--max-file-size', 'big'], 'keyhound: --max-file-size: not a size: big (use bytes or a unit: 512KB, 10MB)\n'],
    [['hook', 'instal'], 'keyhound: name a hook command: install or uninstall\n'],
    [['scan', '--bad-opt'], 'keyhound: Unknown argument: bad-opt\n'],
    [['scan', '--bad-opt', '--worse'], 'keyhound: Unknown arguments: bad-opt, worse\n'],
  ])('%j', async (args, message) => {
    const result = await run(args, { cwd: dir });
    expect(result.stderr).toBe(message);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  });

  // `staged` parses its options on a short path without yargs; a bad one must read the same.
  it.each([
    [['-f']], [['--format']], [['--format', 'xml']], [['--format=xml']], [['-o']], [['-c']], [['--baseline']], [['--ignore-file']],
    [['--fail-on']], [['--fail-on', 'severe']], [['--max-file-size']], [['--max-file-size', 'big']], [['--bad-opt']],
  ])('staged %j says what scan says', async (options) => {
    const staged = await run(['staged', ...options], { cwd: dir });
    const scan = await run(['scan', ...options], { cwd: dir });
    expect(staged.stderr).toMatch(/^keyhound: [^\n]+\n$/);
    expect(staged.stderr).toBe(scan.stderr);
    expect(staged.code).toBe(2);
  });
});

describe('KEYHOUND_DEBUG=1', () => {
  it('adds the stack of an expected error under its one line', async () => {
    const dir = tempDir();
    const plain = await run(['scan', 'missing-dir'], { cwd: dir });
    expect(plain.stderr).toBe('keyhound: no such file or directory: missing-dir\n');
    const debug = await run(['scan', 'missing-dir'], { cwd: dir, env: { KEYHOUND_DEBUG: '1' } });
    expect(debug.stderr.startsWith(plain.stderr)).toBe(true);
    expect(debug.stderr).toMatch(/\nKeyhoundError: no such file or directory: missing-dir\n\s+at /);
    expect(debug.code).toBe(2);
  });

  it('adds the stack of a usage error', async () => {
    const debug = await run(['scan', '-f'], { cwd: tempDir(), env: { KEYHOUND_DEBUG: '1' } });
    expect(debug.stderr).toMatch(/^keyhound: -f: needs a value\n.*\n\s+at /);
  });
});

describe('history --since', () => {
  // One commit, dated 2024-01-02 (gitIn's fixed dates), adding a key.
  const dir = tempDir();
  initRepo(dir);
  writeTree(dir, { 'app.env': `STRIPE_KEY=${fakeKeys(3).stripe}\n` });
  gitIn(dir, ['add', '-A']);
  gitIn(dir, ['commit', '-q', '--no-verify', '-m', 'add key']);

  it.each(['not a date', 'tomorrow', ''])('rejects %j, which git would silently read as "now"', async (since) => {
    const result = await run(['history', '--since', since], { cwd: dir });
    expect(result.stderr).toBe(`keyhound: --since: not a date: ${since} (for example 2024-01-31, "2 weeks ago", yesterday)\n`);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  });

  it.each([
    ['2024-01-01', 1],
    ['Dec 31 2023', 1],
    ['@1704067200', 1],
    ['2024-06-01', 0],
    ['2 weeks ago', 0],
    ['yesterday', 0],
  ])('takes %j as git does', async (since, code) => {
    const result = await run(['history', '--since', since, '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(code);
    expect((JSON.parse(result.stdout) as { stats: { commits: number } }).stats.commits).toBe(code);
  });
});

describe('.keyhound.yaml errors name the line to fix', () => {
  it.each([
    ['alowlist:\n  paths: [fixtures/]\n', '1: alowlist: unknown field'],
    ['useDefault: true\nalowlist:\n', '2: alowlist: unknown field'],
    ['allowlist:\n  pathz:\n    - fixtures/\n', '2: pathz: unknown field'],
    ['ruleAllowlists:\n  jwt:\n    pathz: [x]\n', '3: pathz: unknown field'],
    ['maxFileSize:\n  - 1\n', '1: maxFileSize: must be integer'],
    ['disable:\n  - jwt\n  - 5\n', '3: 1: must be string'],
    ['rules:\n  - id: acme-key\n    description: Acme key\n', '2: severity: missing (required)'],
    ['- jwt\n', '1: (top level): must be object'],
    // The parser notices an unclosed quote or bracket at the end of the file; it opened earlier.
    ['disable: [jwt\n', '1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['disable: [jwt, "abc]\nuseDefault: true\n\n', '1: invalid YAML: Missing closing "quote'],
    ['useDefault: true\nallowlist:\n  paths: [a, b\nmaxFileSize: 5MB\n', '3: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['useDefault: true\nuseDefault: false\n', '2: invalid YAML: Map keys must be unique'],
    ['useDefault: true\n\tdisable: []\n', '2: invalid YAML: Tabs are not allowed as indentation'],
    ['base: &b [jwt]\ndisable: *c\n', '2: invalid YAML: Unresolved alias (the anchor must be set before the alias): c'],
  ])('%j', async (config, message) => {
    const dir = tempDir();
    initRepo(dir);
    writeTree(dir, { '.keyhound.yaml': config, 'a.txt': 'nothing here\n' });
    const result = await run(['scan'], { cwd: dir });
    expect(result.stderr).toBe(`keyhound: ${join(dir, '.keyhound.yaml')}:${message}\n`);
    expect(result.code).toBe(2);
  });

  it.each(['', '\n\n', '# nothing configured yet\n', '---\n', '~\n'])('an empty config (%j) is the default config', async (config) => {
    const dir = tempDir();
    initRepo(dir);
    writeTree(dir, { '.keyhound.yaml': config, 'app.env': `STRIPE_KEY=${fakeKeys(4).stripe}\n` });
    const result = await run(['scan', '--format', 'json'], { cwd: dir });
    expect(result.stderr).not.toMatch(/keyhound:/);
    expect((JSON.parse(result.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId)).toEqual(['stripe-live-secret-key']);
    expect(result.code).toBe(1);
  });
});

describe('a rule id that names no rule is a warning naming the place', () => {
  const key = fakeKeys(5).stripe;
  const other = fakeKeys(6).stripe;
  const source = `const live = "${key}"; // keyhound:allow stripe-live-secret-kye -- typo\nconst fixture = "${other}"; // keyhound:allow stripe-live-secret-key\n`;
  const typo = 'keyhound:allow stripe-live-secret-kye: no rule has this id, so the stripe-live-secret-key finding is still reported';

  function repo(files: Record<string, string>): string {
    const dir = tempDir();
    initRepo(dir);
    writeTree(dir, files);
    gitIn(dir, ['add', '-A']);
    return dir;
  }

  it.each([[['scan']], [['staged']]])('%j: keyhound:allow <typo>', async (args) => {
    const result = await run(args, { cwd: repo({ 'app.js': source }) });
    expect(result.stderr).toContain(`warning: app.js:1: ${typo}\n`);
    expect(result.stderr.match(/warning:/g)).toHaveLength(1);
    expect(result.stdout).toMatch(/^app\.js:1:15 {2}stripe-live-secret-key/);
    expect(result.code).toBe(1);
  });

  it('history: names the commit too', async () => {
    const dir = repo({ 'app.js': source });
    gitIn(dir, ['commit', '-q', '--no-verify', '-m', 'add keys']);
    const sha = gitIn(dir, ['rev-parse', '--short=12', 'HEAD']).trim();
    const result = await run(['history'], { cwd: dir });
    expect(result.stderr).toContain(`warning: ${sha}:app.js:1: ${typo}\n`);
    expect(result.code).toBe(1);
  });

  it('in the report too, and not on stderr with --quiet', async () => {
    const result = await run(['scan', '--quiet', '--format', 'json'], { cwd: repo({ 'app.js': source }) });
    expect(result.stderr).toBe('');
    expect((JSON.parse(result.stdout) as { stats: { warnings: string[] } }).stats.warnings).toEqual([`app.js:1: ${typo}`]);
  });

  it('in the config: disable and ruleAllowlists', async () => {
    const config = 'disable: [jwt, stripe-live-secret-kye]\nruleAllowlists:\n  stripe-live:\n    paths: [app.js]\n';
    const result = await run(['scan'], { cwd: repo({ '.keyhound.yaml': config, 'app.env': `STRIPE_KEY=${key}\n` }) });
    expect(result.stderr).toBe(
      'warning: .keyhound.yaml: disable: no rule has the id stripe-live-secret-kye (see keyhound rules list)\n' +
      'warning: .keyhound.yaml: ruleAllowlists: no rule has the id stripe-live (see keyhound rules list)\n',
    );
    expect(result.stdout).toMatch(/^app\.env:1:12 {2}stripe-live-secret-key/);
    expect(result.code).toBe(1);
  });
});
