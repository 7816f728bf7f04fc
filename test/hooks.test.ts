/**
 * The hooks as a team uses them: `keyhound hook install` in a real repository, then a
 * real `git commit` that git runs the hook for (husky really set up, Debian's pre-commit
 * framework really installing keyhound), and the committed hook run again from a
 * teammate's clone at another path.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, gitIn, initRepo, tempDir, writeTree } from './helpers/cli.js';
import { readmeAndDocs } from './helpers/docs.js';
import { fakeKeys } from './helpers/keys.js';
import { checkoutRepository } from './helpers/package-copy.js';
import { run } from './helpers/run.js';

const ROOT = dirname(dirname(BIN));
const HUSKY_BIN = join(ROOT, 'node_modules/husky/bin.js');
const keys = fakeKeys(21);
const COULD_NOT_RUN = /^keyhound: could not run: add keyhound as a devDependency .*; this commit is blocked$/;

function project(files: Record<string, string> = {}): string {
  const dir = tempDir();
  initRepo(dir);
  writeTree(dir, { '.gitignore': 'node_modules/\n', 'README.md': 'hi\n', ...files });
  return dir;
}

/** keyhound as a devDependency of `dir`, laid out as npm links a local package. */
function addKeyhound(dir: string): void {
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules/keyhound'));
  symlinkSync('../keyhound/bin/keyhound.cjs', join(dir, 'node_modules/.bin/keyhound'));
}

/** husky's own set-up, as `npm install` runs it (prepare): core.hooksPath = .husky/_. */
function setUpHusky(dir: string): void {
  const husky = spawnSync(process.execPath, [HUSKY_BIN], { cwd: dir, encoding: 'utf8' });
  expect(husky.status, husky.stderr).toBe(0);
}

/**
 * A PATH with what git and the hooks need (git, node, a shell and its tools) and no
 * keyhound, whatever this machine has installed; `extra` directories come first.
 */
function barePath(...extra: string[]): string {
  const bin = tempDir('keyhound-path-');
  for (const tool of ['git', 'node', 'sh', 'cat', 'basename', 'dirname']) {
    symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(bin, tool));
  }
  return [...extra, bin].join(':');
}

/** `git commit` as a user runs it, hooks and all. */
function userCommit(dir: string, message: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync('git', ['commit', '-q', '-m', message], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@test.invalid', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@test.invalid', NO_COLOR: '1', ...env },
  });
}

/** Stages a file holding a key and commits it: the hook must block. Returns git's output. */
function expectLeakBlocked(dir: string, env: NodeJS.ProcessEnv = {}): string {
  writeFileSync(join(dir, 'config.js'), `module.exports = { key: "${keys.stripe}" };\n`);
  gitIn(dir, ['add', 'config.js']);
  const before = gitIn(dir, ['rev-list', '--all']);
  const result = userCommit(dir, 'leak', env);
  const output = result.stdout + result.stderr;
  expect(result.status, output).not.toBe(0);
  expect(gitIn(dir, ['rev-list', '--all'])).toBe(before);
  expect(output).not.toContain(keys.stripe);
  gitIn(dir, ['rm', '-q', '--cached', 'config.js']);
  return output;
}

let cleanCommits = 0;
function expectCleanCommitPasses(dir: string, env: NodeJS.ProcessEnv = {}): void {
  writeFileSync(join(dir, 'clean.txt'), `nothing secret, commit ${++cleanCommits}\n`);
  gitIn(dir, ['add', 'clean.txt']);
  const result = userCommit(dir, 'clean', env);
  expect(result.status, result.stdout + result.stderr).toBe(0);
}

describe('keyhound hook install', () => {
  it('blocks a commit that adds a key and lets a clean one through', async () => {
    const dir = project();
    addKeyhound(dir);
    const install = await run(['hook', 'install'], { cwd: dir });
    expect(install.stdout).toMatch(/installed pre-commit hook in \.git\/hooks\/pre-commit/);
    expect(install.stderr).toBe('');
    expect(expectLeakBlocked(dir)).toMatch(/stripe-live-secret-key/);
    expectCleanCommitPasses(dir);
  });

  it('chains to an existing hook, is idempotent, and uninstall restores the old hook', async () => {
    const dir = project();
    addKeyhound(dir);
    const hook = join(dir, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho ran > "$(git rev-parse --show-toplevel)/previous-hook-ran"\n');
    chmodSync(hook, 0o755);
    expect((await run(['hook', 'install'], { cwd: dir })).stdout).toMatch(/existing hook now runs after it/);
    const installed = readFileSync(hook);
    expect((await run(['hook', 'install'], { cwd: dir })).stdout).toMatch(/already installed/);
    expect(readFileSync(hook).equals(installed)).toBe(true);
    expectCleanCommitPasses(dir);
    expect(existsSync(join(dir, 'previous-hook-ran'))).toBe(true);
    expect((await run(['hook', 'uninstall'], { cwd: dir })).stdout).toMatch(/restored the previous/);
    expect(readFileSync(hook, 'utf8')).toMatch(/previous-hook-ran/);
  });

  it('adds a block to husky\'s script, keeps the rest, and installing twice changes no byte', async () => {
    const dir = project();
    addKeyhound(dir);
    setUpHusky(dir);
    // Alone in a new file (a second install used to add a blank line), then beside a team's own commands.
    for (const before of [undefined, 'npm run lint\n']) {
      const script = join(dir, '.husky/pre-commit');
      if (before !== undefined) writeFileSync(script, before);
      expect((await run(['hook', 'install'], { cwd: dir })).stdout).toMatch(/added keyhound to \.husky\/pre-commit \(husky\)/);
      const first = readFileSync(script);
      expect((await run(['hook', 'install'], { cwd: dir })).stdout).toMatch(/already installed/);
      expect(readFileSync(script).equals(first)).toBe(true);
      const text = first.toString('utf8');
      expect(text.startsWith(before ?? '# >>> keyhound >>>\n')).toBe(true);
      expect(text.match(/keyhound >>>/g)).toHaveLength(1);
      await run(['hook', 'uninstall'], { cwd: dir });
      expect(before === undefined ? existsSync(script) : readFileSync(script, 'utf8')).toBe(before ?? false);
    }
    writeFileSync(join(dir, '.husky/pre-commit'), 'true\n');
    await run(['hook', 'install'], { cwd: dir });
    expect(expectLeakBlocked(dir)).toMatch(/stripe-live-secret-key/);
    expectCleanCommitPasses(dir);
  });

  it('replaces an older block where it was (the absolute paths older versions wrote go)', async () => {
    const dir = project();
    addKeyhound(dir);
    setUpHusky(dir);
    const old = `# >>> keyhound >>>\n"${process.execPath}" "${BIN}" staged\n# <<< keyhound <<<\n`;
    writeFileSync(join(dir, '.husky/pre-commit'), `echo before\n${old}echo after\n`);
    await run(['hook', 'install'], { cwd: dir });
    const text = readFileSync(join(dir, '.husky/pre-commit'), 'utf8');
    expect(text).toMatch(/^echo before\n# >>> keyhound >>>\n[^]*\n# <<< keyhound <<<\necho after\n$/);
    expect(text).not.toContain(BIN);
    expect(text).not.toContain(process.execPath);
  });

  it('installs in the directory core.hooksPath names, not in .husky/, and git runs it', async () => {
    const dir = project({ '.husky/pre-commit': 'true\n' });
    addKeyhound(dir);
    gitIn(dir, ['config', 'core.hooksPath', 'githooks']);
    expect((await run(['hook', 'install'], { cwd: dir })).stdout).toMatch(/installed pre-commit hook in githooks\/pre-commit/);
    expect(readFileSync(join(dir, '.husky/pre-commit'), 'utf8')).toBe('true\n');
    expect(statSync(join(dir, 'githooks/pre-commit')).mode & 0o111).not.toBe(0);
    expect(expectLeakBlocked(dir)).toMatch(/stripe-live-secret-key/);
  });

  it('refuses, saying why, where .husky/ exists but git does not run husky\'s hooks', async () => {
    const dir = project({ '.husky/pre-commit': 'true\n' });
    addKeyhound(dir);
    const result = await run(['hook', 'install'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^keyhound: \.husky\/ is here but git does not run husky's hooks in this clone \(core\.hooksPath is not set\).*npx husky.*\n$/);
    expect(readFileSync(join(dir, '.husky/pre-commit'), 'utf8')).toBe('true\n');
    expect(existsSync(join(dir, '.git/hooks/pre-commit'))).toBe(false);
  });

  it('fails closed: a broken config blocks the commit with a clear message', async () => {
    const dir = project({ '.keyhound.yaml': 'allowlist: [oops\n' });
    addKeyhound(dir);
    await run(['hook', 'install'], { cwd: dir });
    gitIn(dir, ['add', '-A']);
    const result = userCommit(dir, 'x');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\.keyhound\.yaml:\d+: invalid YAML/);
    expect(result.stderr).toMatch(/could not check this commit/);
  });
});

describe('keyhound hook install --pre-push', () => {
  it('blocks a push of commits that add a key', async () => {
    const remote = tempDir();
    gitIn(remote, ['init', '-q', '--bare', '-b', 'main']);
    const dir = project();
    addKeyhound(dir);
    gitIn(dir, ['remote', 'add', 'origin', remote]);
    gitIn(dir, ['add', '-A']);
    gitIn(dir, ['commit', '-q', '-m', 'clean']);
    await run(['hook', 'install', '--pre-push'], { cwd: dir });
    const push = (branch: string) => spawnSync('git', ['push', '-q', 'origin', branch], { cwd: dir, encoding: 'utf8' });
    expect(push('main').status).toBe(0);
    writeFileSync(join(dir, 'b.txt'), `${keys.github}\n`);
    gitIn(dir, ['add', 'b.txt']);
    gitIn(dir, ['commit', '-q', '-m', 'leak']);
    const blocked = push('main');
    expect(blocked.status).not.toBe(0);
    expect(blocked.stderr + blocked.stdout).toMatch(/Push blocked/);
    // A new branch: only commits no remote has are scanned, and the leak commit is one of them.
    gitIn(dir, ['checkout', '-q', '-b', 'new-branch']);
    expect(push('new-branch').status).not.toBe(0);
  });
});

describe('keyhound hook install --commit-msg', () => {
  /** A commit whose message holds a key: the hook must block it; a clean message passes. */
  function expectMessageBlocked(dir: string, env: NodeJS.ProcessEnv = {}): string {
    writeFileSync(join(dir, 'notes.txt'), `notes ${++cleanCommits}\n`);
    gitIn(dir, ['add', 'notes.txt']);
    const before = gitIn(dir, ['rev-list', '--all']);
    const blocked = userCommit(dir, `Deploy\n\nwith token ${keys.github}`, env);
    const output = blocked.stdout + blocked.stderr;
    expect(blocked.status, output).not.toBe(0);
    expect(gitIn(dir, ['rev-list', '--all'])).toBe(before);
    expect(output).not.toContain(keys.github);
    expect(userCommit(dir, 'Deploy without secrets', env).status).toBe(0);
    return output;
  }

  it('blocks a commit whose message holds a key (plain git)', async () => {
    const dir = project();
    addKeyhound(dir);
    expect((await run(['hook', 'install', '--commit-msg'], { cwd: dir })).stdout).toMatch(/installed commit-msg hook in \.git\/hooks\/commit-msg/);
    expect(expectMessageBlocked(dir)).toMatch(/github-pat-classic/);
  });

  it('blocks a commit whose message holds a key (husky)', async () => {
    const dir = project();
    addKeyhound(dir);
    setUpHusky(dir);
    expect((await run(['hook', 'install', '--commit-msg'], { cwd: dir })).stdout).toMatch(/added keyhound to \.husky\/commit-msg/);
    expect(expectMessageBlocked(dir)).toMatch(/<commit message>/);
  });

  it('leaves the diff of a verbose commit (below the scissors line) to the pre-commit hook', async () => {
    const dir = project();
    const file = join(dir, 'COMMIT_EDITMSG');
    writeFileSync(file, `Clean message\n# ------------------------ >8 ------------------------\n+TOKEN=${keys.github}\n`);
    expect((await run(['commit-msg', file], { cwd: dir })).code).toBe(0);
    writeFileSync(file, `Message with ${keys.github}\n`);
    const leaky = await run(['commit-msg', file, '--format', 'json'], { cwd: dir });
    expect(leaky.code).toBe(1);
    expect(JSON.parse(leaky.stdout).findings).toMatchObject([{ ruleId: 'github-pat-classic', file: '<commit message>', line: 1, column: 14 }]);
  });
});

describe('a committed hook, on a teammate\'s machine', () => {
  // Installed in one clone and committed; run from a clone at another path, which has
  // no node_modules yet (then its own keyhound), as each teammate's does.
  const setups = {
    husky: { setUp: setUpHusky, committed: '.husky/pre-commit' },
    'core.hooksPath': { setUp: (dir: string) => gitIn(dir, ['config', 'core.hooksPath', 'githooks']), committed: 'githooks/pre-commit' },
  };

  it.each(Object.keys(setups) as Array<keyof typeof setups>)('%s: holds no path of the installing machine, and blocks without keyhound, with keyhound, and with one on PATH', async (name) => {
    const { setUp, committed } = setups[name];
    const mine = project();
    addKeyhound(mine);
    setUp(mine);
    await run(['hook', 'install'], { cwd: mine });
    const text = readFileSync(join(mine, committed), 'utf8');
    for (const machinePath of [mine, ROOT, process.execPath]) expect(text).not.toContain(machinePath);
    gitIn(mine, ['add', '-A']);
    gitIn(mine, ['commit', '-q', '-m', 'hook']);

    const theirs = join(tempDir(), 'elsewhere');
    gitIn(dirname(theirs), ['clone', '-q', mine, theirs]);
    setUp(theirs);
    // keyhound's own one line, and nothing else from it.
    const withoutKeyhound = expectLeakBlocked(theirs, { PATH: barePath() });
    expect(withoutKeyhound.split('\n').filter((line) => line.includes('keyhound'))).toEqual([expect.stringMatching(COULD_NOT_RUN)]);

    const globalBin = tempDir('keyhound-global-');
    symlinkSync(BIN, join(globalBin, 'keyhound'));
    expect(expectLeakBlocked(theirs, { PATH: barePath(globalBin) })).toMatch(/stripe-live-secret-key/);

    addKeyhound(theirs);
    expect(expectLeakBlocked(theirs, { PATH: barePath() })).toMatch(/stripe-live-secret-key/);
    expectCleanCommitPasses(theirs, { PATH: barePath() });
  });
});

describe('a hook file that is a symbolic link', () => {
  /** A file outside any repository, readable by its owner only (a private key, say). */
  function privateFile(): { path: string; text: string } {
    const path = join(tempDir(), 'id_private');
    writeFileSync(path, 'PRIVATE KEY MATERIAL\n', { mode: 0o600 });
    chmodSync(path, 0o600);
    return { path, text: 'PRIVATE KEY MATERIAL\n' };
  }

  it('is never written through: a committed .husky/pre-commit linking out of the repository', async () => {
    const outside = privateFile();
    const origin = project();
    mkdirSync(join(origin, '.husky'));
    symlinkSync(outside.path, join(origin, '.husky/pre-commit'));
    gitIn(origin, ['add', '-A']);
    gitIn(origin, ['commit', '-q', '-m', 'hook link']);
    const clone = join(tempDir(), 'clone');
    gitIn(dirname(clone), ['clone', '-q', origin, clone]);
    addKeyhound(clone);
    setUpHusky(clone);
    expect(lstatSync(join(clone, '.husky/pre-commit')).isSymbolicLink()).toBe(true);

    for (const action of ['install', 'uninstall']) {
      const result = await run(['hook', action], { cwd: clone });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('keyhound: .husky/pre-commit is a symbolic link; keyhound edits only a regular file there (replace the link with the script it points to)\n');
      expect(readFileSync(outside.path, 'utf8')).toBe(outside.text);
      expect(statSync(outside.path).mode & 0o777).toBe(0o600);
    }
  });

  it('is never written through: a hooks directory linking out of the repository', async () => {
    const outside = tempDir();
    const dir = project();
    symlinkSync(outside, join(dir, 'githooks'));
    gitIn(dir, ['config', 'core.hooksPath', 'githooks']);
    const result = await run(['hook', 'install'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^keyhound: githooks\/pre-commit: its directory is a symbolic link out of the repository .*\n$/);
    expect(existsSync(join(outside, 'pre-commit'))).toBe(false);
  });

  it('in .git/hooks, is set aside as a link and chained, its target untouched', async () => {
    const outside = privateFile();
    const dir = project();
    addKeyhound(dir);
    symlinkSync(outside.path, join(dir, '.git/hooks/pre-commit'));
    expect((await run(['hook', 'install'], { cwd: dir })).stdout).toMatch(/existing hook now runs after it/);
    expect(lstatSync(join(dir, '.git/hooks/pre-commit.keyhound-previous')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, '.git/hooks/pre-commit')).isFile()).toBe(true);
    expect(readFileSync(outside.path, 'utf8')).toBe(outside.text);
    expect(statSync(outside.path).mode & 0o777).toBe(0o600);
  });
});

describe('the pre-commit framework (Debian\'s pre-commit)', () => {
  const PRE_COMMIT_TIMEOUT = 300_000;

  function preCommit(dir: string, args: string[], env: NodeJS.ProcessEnv) {
    const result = spawnSync('pre-commit', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
    return { code: result.status, output: `${result.stdout}${result.stderr}${result.error ?? ''}` };
  }

  it('installs keyhound from its git repository and blocks a commit that adds a key (pre-commit install, try-repo)', () => {
    const env = { PRE_COMMIT_HOME: tempDir('keyhound-pre-commit-home-') };
    const repo = checkoutRepository();
    const dir = project({ '.pre-commit-config.yaml': `repos:\n  - repo: ${repo.path}\n    rev: ${repo.rev}\n    hooks:\n      - id: keyhound\n` });
    const install = preCommit(dir, ['install'], env);
    expect(install.code, install.output).toBe(0);
    expect(expectLeakBlocked(dir, env)).toMatch(/stripe-live-secret-key/);
    expectCleanCommitPasses(dir, env);

    writeFileSync(join(dir, 'settings.py'), `TOKEN = "${keys.github}"\n`);
    gitIn(dir, ['add', 'settings.py']);
    const tryRepo = preCommit(dir, ['try-repo', repo.path, 'keyhound', '--ref', repo.rev], env);
    expect(tryRepo.code, tryRepo.output).toBe(1);
    expect(tryRepo.output).toMatch(/keyhound \(secrets in staged changes\)\.+Failed/);
    expect(tryRepo.output).toMatch(/github-pat-classic/);
    expect(tryRepo.output).not.toContain(keys.github);

    const commitMsgConfig = `repos:\n  - repo: ${repo.path}\n    rev: ${repo.rev}\n    hooks:\n      - id: keyhound-commit-msg\n`;
    writeFileSync(join(dir, '.pre-commit-config.yaml'), commitMsgConfig);
    gitIn(dir, ['rm', '-q', '--cached', 'settings.py']);
    const installMsg = preCommit(dir, ['install', '--hook-type', 'commit-msg'], env);
    expect(installMsg.code, installMsg.output).toBe(0);
    gitIn(dir, ['add', '.pre-commit-config.yaml']);
    const before = gitIn(dir, ['rev-list', '--all']);
    const blocked = userCommit(dir, `config with ${keys.github}`, env);
    expect(blocked.status, blocked.stdout + blocked.stderr).not.toBe(0);
    expect(gitIn(dir, ['rev-list', '--all'])).toBe(before);
  }, PRE_COMMIT_TIMEOUT);

  it('runs the README\'s repo: local / language: system form with the project\'s own keyhound', () => {
    const readme = readmeAndDocs();
    const config = readme.match(/```yaml\n(repos:\n {2}- repo: local\n[^]*?)```/)?.[1];
    expect(config).toBeDefined();
    const env = { PRE_COMMIT_HOME: tempDir('keyhound-pre-commit-home-') };
    const dir = project({ '.pre-commit-config.yaml': config! });
    addKeyhound(dir);
    const install = preCommit(dir, ['install'], env);
    expect(install.code, install.output).toBe(0);
    expect(expectLeakBlocked(dir, env)).toMatch(/stripe-live-secret-key/);
    expectCleanCommitPasses(dir, env);
  }, PRE_COMMIT_TIMEOUT);
});
