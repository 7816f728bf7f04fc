/**
 * The git sources in the situations teams meet: a changed line whose rule needs its
 * neighbours, a rotated key block, merges, files git calls binary, shallow clones,
 * bare mirrors, per-location suppression, and a git that refuses to work. Real
 * repositories, real commits, every diff mode.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { commitAll, gitIn, repoWith, tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys, fakeRsaPem } from './helpers/keys.js';
import { run } from './helpers/run.js';

const keys = fakeKeys(21);
const later = fakeKeys(22);

interface Reported {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  commit?: { sha: string; message: string };
  history?: { truncated?: boolean; paths: string[] };
}

/** CI variables of the machine running the tests must not steer `keyhound ci`. */
const NO_CI = { GITHUB_ACTIONS: '', GITLAB_CI: '', KEYHOUND_BASE: '', JENKINS_URL: '', TF_BUILD: '', CIRCLECI: '', BITBUCKET_BUILD_NUMBER: '' };

async function report(args: string[], cwd: string, input?: string): Promise<{ code: number; findings: Reported[]; stderr: string }> {
  const result = await run([...args, '--format', 'json'], { cwd, env: NO_CI, ...(input !== undefined ? { input } : {}) });
  expect(result.code, result.stderr).toBeLessThan(2);
  return { code: result.code, findings: (JSON.parse(result.stdout) as { findings: Reported[] }).findings, stderr: result.stderr };
}

const where = (finding: Reported): string => `${finding.ruleId} ${finding.file}:${finding.line}`;

/**
 * Stages `files` on top of the repository's last commit and checks that `staged`, then
 * (after committing) `ci`, `pre-push` (with the two arguments git passes its hook) and `history` all report `expected`.
 */
async function expectEveryDiffMode(dir: string, files: Record<string, string | Buffer>, expected: string[]): Promise<void> {
  const base = gitIn(dir, ['rev-parse', 'HEAD']).trim();
  writeTree(dir, files);
  gitIn(dir, ['add', '-A']);
  expect((await report(['staged'], dir)).findings.map(where), 'staged').toEqual(expected);
  const head = commitAll(dir, 'the change');
  expect((await report(['ci', '--base', base], dir)).findings.map(where), 'ci').toEqual(expected);
  expect((await report(['pre-push', 'origin', 'git@example.invalid:acme/app.git'], dir, `refs/heads/main ${head} refs/heads/main ${base}\n`)).findings.map(where), 'pre-push').toEqual(expected);
  const history = (await report(['history'], dir)).findings.filter((finding) => finding.commit?.sha === head);
  expect(history.map(where), 'history').toEqual(expected);
}

describe('a changed line is judged with its unchanged neighbours', () => {
  it('finds a .netrc password when only the password line changes', async () => {
    const dir = repoWith({ '.netrc': `machine api.example.org\nlogin deploy\npassword ${keys.generic}\n` });
    commitAll(dir, 'netrc');
    expect((await report(['scan', '.'], dir)).findings.map(where)).toEqual(['config-files-netrc-password .netrc:3']);
    await expectEveryDiffMode(dir, { '.netrc': `machine api.example.org\nlogin deploy\npassword ${later.generic}\n` }, ['config-files-netrc-password .netrc:3']);
  });

  it('finds a Docker config.json auth when only its line changes', async () => {
    const auth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
    const config = (password: string) => `{\n  "auths": {\n    "registry.example.org": {\n      "auth": "${auth('deploy', password)}"\n    }\n  }\n}\n`;
    const dir = repoWith({ '.docker/config.json': config(keys.generic) });
    commitAll(dir, 'docker');
    await expectEveryDiffMode(dir, { '.docker/config.json': config(later.generic) }, ['config-files-docker-config-auth .docker/config.json:4']);
  });

  it('finds a rotated private key whose BEGIN and END lines did not change', async () => {
    const dir = repoWith({ 'deploy/key.pem': fakeRsaPem() });
    commitAll(dir, 'key');
    await expectEveryDiffMode(dir, { 'deploy/key.pem': fakeRsaPem() }, ['pem-private-key deploy/key.pem:1']);
  });

  it('pairs an AWS secret key with its unchanged key id, and leaves an unchanged key alone', async () => {
    const dir = repoWith({ 'aws.ini': `[default]\naws_access_key_id = ${keys.awsKeyId}\naws_secret_access_key = ${keys.awsSecret}\nregion = eu-west-1\n` });
    commitAll(dir, 'aws');
    await expectEveryDiffMode(dir, { 'aws.ini': `[default]\naws_access_key_id = ${keys.awsKeyId}\naws_secret_access_key = ${later.awsSecret}\nregion = eu-west-2\n` }, [
      'aws-secret-access-key aws.ini:3',
    ]);
  });
});

describe('merges', () => {
  it('reports a key added in a conflict resolution, at the merge', async () => {
    const dir = repoWith({ 'app.env': 'MODE=base\n' });
    const base = commitAll(dir, 'base');
    gitIn(dir, ['checkout', '-q', '-b', 'feature']);
    writeFileSync(join(dir, 'app.env'), 'MODE=feature\n');
    commitAll(dir, 'feature');
    gitIn(dir, ['checkout', '-q', 'main']);
    writeFileSync(join(dir, 'app.env'), 'MODE=main\n');
    commitAll(dir, 'main');
    spawnSync('git', ['merge', 'feature'], { cwd: dir });
    writeFileSync(join(dir, 'app.env'), `MODE=merged\nSTRIPE_KEY=${keys.stripe}\n`);
    // A file added while the merge is in progress, too.
    writeTree(dir, { 'extra.env': `GITHUB_TOKEN=${keys.github}\n` });
    const merge = commitAll(dir, 'merge feature');
    const expected = ['stripe-live-secret-key app.env:2', 'github-pat-classic extra.env:1'];
    const history = (await report(['history'], dir)).findings;
    expect(history.map(where).sort()).toEqual([...expected].sort());
    expect(history.every((finding) => finding.commit?.sha === merge)).toBe(true);
    expect((await report(['ci', '--base', base], dir)).findings.map(where).sort()).toEqual([...expected].sort());
    const push = await report(['pre-push'], dir, `refs/heads/main ${merge} refs/heads/main ${base}\n`);
    expect(push.findings.map(where).sort()).toEqual([...expected].sort());
  });

  it('does not report again what a clean merge brings from the merged branch', async () => {
    const dir = repoWith({ 'a.txt': 'a\n' });
    commitAll(dir, 'base');
    gitIn(dir, ['checkout', '-q', '-b', 'feature']);
    writeTree(dir, { 'feature.env': `STRIPE_KEY=${keys.stripe}\n` });
    const feature = commitAll(dir, 'feature adds a key');
    gitIn(dir, ['checkout', '-q', 'main']);
    writeTree(dir, { 'b.txt': 'b\n' });
    commitAll(dir, 'main moves on');
    gitIn(dir, ['merge', '-q', '--no-edit', 'feature']);
    const history = (await report(['history'], dir)).findings;
    expect(history.map((finding) => [where(finding), finding.commit?.sha])).toEqual([['stripe-live-secret-key feature.env:1', feature]]);
  });
});

describe('files git calls binary are judged by keyhound', () => {
  it('finds a key in files a committed .gitattributes marks -diff', async () => {
    const dir = repoWith({ '.gitattributes': '* -diff\n', 'README.md': 'hi\n' });
    commitAll(dir, 'attributes');
    await expectEveryDiffMode(dir, { 'deps.lock': `registry-token ${keys.github}\n` }, ['github-pat-classic deps.lock:1']);
  });

  it('finds a key in a UTF-16 file, and only what the change added', async () => {
    const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const dir = repoWith({ 'settings.ini': utf16(`[a]\r\nold=${keys.github}\r\n`) });
    commitAll(dir, 'utf-16 settings');
    await expectEveryDiffMode(dir, { 'settings.ini': utf16(`[a]\r\nold=${keys.github}\r\nnew=${keys.stripe}\r\n`) }, ['stripe-live-secret-key settings.ini:3']);
  });

  it('still skips and counts a real binary file', async () => {
    const dir = repoWith({ 'a.txt': 'a\n' });
    commitAll(dir, 'base');
    writeTree(dir, { 'image.bin': Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(keys.stripe)]) });
    gitIn(dir, ['add', '-A']);
    const result = await run(['staged', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(result.stdout)).toMatchObject({ findings: [], stats: { skipped: { binary: 1 } } });
  });
});

describe('suppression is decided where the secret stands', () => {
  it('reports a key first committed under keyhound:allow when it is later committed in src/', async () => {
    const dir = repoWith({ 'docs/example.md': `token ${keys.github} <!-- keyhound:allow -->\n` });
    commitAll(dir, 'documented sample');
    writeTree(dir, { 'src/client.js': `const token = "${keys.github}";\n` });
    const real = commitAll(dir, 'use it for real');
    const history = (await report(['history'], dir)).findings;
    expect(history.map((finding) => [where(finding), finding.commit?.sha])).toEqual([['github-pat-classic src/client.js:1', real]]);
  });

  it('reports a key moved out of an allowlisted directory with git mv', async () => {
    const dir = repoWith({ '.keyhound.yaml': 'allowlist:\n  paths:\n    - fixtures/\n', 'fixtures/token.txt': `GITHUB_TOKEN=${keys.github}\n` });
    commitAll(dir, 'fixture');
    expect((await report(['scan', '.'], dir)).findings).toEqual([]);
    const base = gitIn(dir, ['rev-parse', 'HEAD']).trim();
    gitIn(dir, ['mv', 'fixtures/token.txt', 'token.env']);
    expect((await report(['staged'], dir)).findings.map(where)).toEqual(['github-pat-classic token.env:1']);
    const head = commitAll(dir, 'move');
    expect((await report(['ci', '--base', base], dir)).findings.map(where)).toEqual(['github-pat-classic token.env:1']);
    expect((await report(['history'], dir)).findings.map((finding) => [where(finding), finding.commit?.sha])).toEqual([['github-pat-classic token.env:1', head]]);
  });

  it('does not report a key a plain rename merely moves', async () => {
    const dir = repoWith({ 'old.env': `GITHUB_TOKEN=${keys.github}\n` });
    commitAll(dir, 'init');
    gitIn(dir, ['mv', 'old.env', 'new.env']);
    expect((await report(['staged'], dir)).findings).toEqual([]);
  });
});

describe('audits of any repository', () => {
  /** A repository with a key in its first commit, on a side branch and in a pull-request ref. */
  function upstream(): { dir: string; first: string } {
    const dir = repoWith({ 'config.env': `STRIPE_KEY=${keys.stripe}\n`, 'a.txt': '1\n' });
    const first = commitAll(dir, 'first');
    for (let i = 2; i <= 4; i++) {
      writeTree(dir, { 'a.txt': `${i}\n` });
      commitAll(dir, `feature ${i}`);
    }
    gitIn(dir, ['checkout', '-q', '-b', 'pr']);
    writeTree(dir, { 'pr.env': `GITHUB_TOKEN=${keys.github}\n` });
    const pr = commitAll(dir, 'pull request');
    gitIn(dir, ['checkout', '-q', 'main']);
    gitIn(dir, ['branch', '-q', '-D', 'pr']);
    gitIn(dir, ['update-ref', 'refs/pull/7/head', pr]);
    return { dir, first };
  }

  it('takes the repository as an argument', async () => {
    const { dir } = upstream();
    const result = await report(['history', dir], tempDir());
    expect(result.findings.map(where).sort()).toEqual(['github-pat-classic pr.env:1', 'stripe-live-secret-key config.env:1']);
  });

  it('audits bare and mirror clones with all their refs, pull-request refs included', async () => {
    const { dir } = upstream();
    const parent = tempDir();
    gitIn(parent, ['clone', '-q', '--bare', dir, 'bare.git']);
    gitIn(parent, ['clone', '-q', '--mirror', dir, 'mirror.git']);
    expect((await report(['history', 'bare.git'], parent)).findings.map(where)).toEqual(['stripe-live-secret-key config.env:1']);
    expect((await report(['history'], join(parent, 'mirror.git'))).findings.map(where).sort()).toEqual(['github-pat-classic pr.env:1', 'stripe-live-secret-key config.env:1']);
  });

  it('in a shallow clone, never blames the boundary commit for a key it did not touch', async () => {
    const { dir, first } = upstream();
    const parent = tempDir();
    gitIn(parent, ['clone', '-q', '--depth', '2', `file://${dir}`, 'shallow']);
    const result = await report(['history', 'shallow'], parent);
    expect(result.stderr).toMatch(/shallow clone/);
    const [finding] = result.findings;
    expect(result.findings).toHaveLength(1);
    expect(finding).toMatchObject({ ruleId: 'stripe-live-secret-key', commit: { message: 'feature 3' }, history: { truncated: true } });
    expect(finding!.commit!.sha).not.toBe(first);
    const text = await run(['history', 'shallow'], { cwd: parent, env: NO_CI });
    expect(text.stdout).toMatch(/history truncated/);
    // A full clone says where it really came in.
    expect((await report(['history'], dir)).findings.find((f) => f.ruleId === 'stripe-live-secret-key')).toMatchObject({ commit: { sha: first } });
  });
});

describe('a git that refuses to work is an error, never a clean result', () => {
  it('exits 2 with git\'s reason when the repository is not safe to use (dubious ownership)', async () => {
    if (process.getuid?.() !== 0) return; // needs a repository owned by another user
    const dir = repoWith({ 'app.env': `STRIPE_KEY=${keys.stripe}\n` });
    commitAll(dir, 'key');
    chownSync(dir, 65534, 65534);
    // git gets process.env (the Io's env is for keyhound itself): no global or system config that trusts every directory.
    vi.stubEnv('GIT_CONFIG_GLOBAL', '/dev/null');
    vi.stubEnv('GIT_CONFIG_NOSYSTEM', '1');
    onTestFinished(() => void vi.unstubAllEnvs());
    for (const args of [['history'], ['baseline', 'create', '--history', '-o', join(tempDir(), 'b.json')], ['ci', '--base', 'HEAD~1'], ['staged']]) {
      const result = await run(args, { cwd: dir, env: NO_CI });
      expect(result.code, `${args.join(' ')}: ${result.stdout}`).toBe(2);
      const errors = result.stderr.split('\n').filter((line) => line.startsWith('keyhound:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/dubious ownership/);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('exits 2 when git is missing', async () => {
    const dir = repoWith({ 'a.txt': 'a\n' });
    commitAll(dir, 'a');
    const bin = tempDir();
    chmodSync(bin, 0o755);
    // keyhound spawns git with process.env, whose PATH finds it (the Io's env is for keyhound itself).
    vi.stubEnv('PATH', bin);
    const result = await run(['history'], { cwd: dir }).finally(() => vi.unstubAllEnvs());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot run git/);
  });
});

describe('notes are not leaks', () => {
  it('lets a commit of an authorized_keys file through, showing the public key as a note', async () => {
    const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
    const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64');
    const dir = repoWith({ 'README.md': 'hi\n' });
    commitAll(dir, 'base');
    writeTree(dir, { '.ssh/authorized_keys': `ssh-ed25519 ${blob} deploy@build\n` });
    gitIn(dir, ['add', '-A']);
    const result = await run(['staged'], { cwd: dir, env: { GIT_INDEX_FILE: '.git/index' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ssh-public-key/);
    expect(result.stdout).toMatch(/✔ no leaks found .*1 note/);
    expect(result.stderr).not.toMatch(/Commit blocked/);
  });

  it('says "Commit blocked" only when git runs it as a hook', async () => {
    const dir = repoWith({ 'README.md': 'hi\n' });
    commitAll(dir, 'base');
    writeTree(dir, { 'app.env': `STRIPE_KEY=${keys.stripe}\n` });
    gitIn(dir, ['add', '-A']);
    const byHand = await run(['staged'], { cwd: dir, env: { GIT_INDEX_FILE: undefined } });
    expect(byHand.code).toBe(1);
    expect(byHand.stderr).not.toMatch(/Commit blocked/);
    const asHook = await run(['staged'], { cwd: dir, env: { GIT_INDEX_FILE: '.git/index' } });
    expect(asHook.code).toBe(1);
    expect(asHook.stderr).toMatch(/Commit blocked/);
  });
});

describe('commit messages', () => {
  it('reports a key in a commit message at its commit, with line and column in the message', async () => {
    const dir = repoWith({ 'a.txt': 'a\n' });
    const base = commitAll(dir, 'first');
    writeTree(dir, { 'a.txt': 'b\n' });
    const leaky = commitAll(dir, `Fix the deploy\n\nUsed the token ${keys.github} to test.`);
    const history = (await report(['history'], dir)).findings;
    expect(history.map((finding) => [finding.ruleId, finding.file, finding.line, finding.column, finding.commit?.sha])).toEqual([
      ['github-pat-classic', '<commit message>', 3, 16, leaky],
    ]);
    expect((await report(['ci', '--base', base], dir)).findings.map(where)).toEqual(['github-pat-classic <commit message>:3']);
    const push = await report(['pre-push'], dir, `refs/heads/main ${leaky} refs/heads/main ${base}\n`);
    expect(push.findings.map(where)).toEqual(['github-pat-classic <commit message>:3']);
  });

  it('reads a message whose lines look like patch headers as a message', async () => {
    const dir = repoWith({ 'a.txt': 'a\n' });
    commitAll(dir, `subject\n\ndiff --git a/x b/x\n+++ b/x\n@@ -1 +1 @@\n+${keys.stripe}\n`);
    const history = (await report(['history'], dir)).findings;
    expect(history.map(where)).toEqual(['stripe-live-secret-key <commit message>:6']);
  });
});

describe('tags, notes and what no ref reaches', () => {
  it('reports a key in an annotated tag\'s message as <tag NAME>, and in a note as the note of its commit', async () => {
    const dir = repoWith({ 'a.txt': 'a\n' });
    const first = commitAll(dir, 'first');
    gitIn(dir, ['tag', '-a', 'v1.0', '-m', `Release 1.0\n\ndeploy token ${keys.github}`]);
    gitIn(dir, ['notes', 'add', '-m', `reviewed with key ${keys.stripe}`, first]);
    const history = (await report(['history'], dir)).findings;
    expect(history.map((finding) => [finding.ruleId, finding.file, finding.line]).sort()).toEqual([
      ['github-pat-classic', '<tag v1.0>', 3],
      ['stripe-live-secret-key', `<notes of ${first.slice(0, 12)}>`, 1],
    ]);
    const tag = history.find((finding) => finding.file === '<tag v1.0>')!;
    expect(tag.commit).toMatchObject({ sha: gitIn(dir, ['rev-parse', 'v1.0']).trim(), message: 'Release 1.0' });
  });

  it('finds, with --unreachable, what an amend and a reset left behind', async () => {
    const dir = repoWith({ 'a.txt': 'a\n' });
    commitAll(dir, 'first');
    // A commit amended away: its key stays in the clone, reachable from no ref.
    writeTree(dir, { 'config.env': `GITHUB_TOKEN=${keys.github}\n` });
    const amended = commitAll(dir, 'with a key');
    writeTree(dir, { 'config.env': 'GITHUB_TOKEN=\n' });
    gitIn(dir, ['add', '-A']);
    gitIn(dir, ['commit', '-q', '--amend', '--no-verify', '-m', 'without the key']);
    // A blob staged, then reset: no commit ever had it.
    writeTree(dir, { 'staged.env': `STRIPE_KEY=${keys.stripe}\n` });
    gitIn(dir, ['add', 'staged.env']);
    const blob = gitIn(dir, ['rev-parse', ':staged.env']).trim();
    gitIn(dir, ['reset', '-q']);
    expect((await report(['history'], dir)).findings).toEqual([]);
    const findings = (await report(['history', '--unreachable'], dir)).findings;
    expect(findings.map((finding) => [finding.ruleId, finding.file, finding.commit?.sha]).sort()).toEqual([
      ['github-pat-classic', 'config.env', amended],
      ['stripe-live-secret-key', `<blob ${blob.slice(0, 12)}>`, undefined],
    ]);
  });
});
