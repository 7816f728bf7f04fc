/**
 * keyhound installed the ways npm users install it, in scratch directories, and run as
 * they run it: from an `npm pack` tarball, and from git (`npm install -g git+file://…`
 * and `npm install -D git+file://…`, where nothing is built and the committed bundle runs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initRepo, tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { checkoutRepository } from './helpers/package-copy.js';

const ROOT = join(import.meta.dirname, '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NPM_TIMEOUT = 300_000;
const keys = fakeKeys(41);

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}${result.stderr}${result.error ?? ''}` };
}

/** npm as a user runs it, from the packages npm has already fetched when it can. */
const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], cwd);

/** A project of the user's, with its own version, holding a key in a git repository. */
function project(): string {
  const dir = tempDir('keyhound-project-');
  initRepo(dir);
  writeTree(dir, { 'package.json': '{ "name": "project", "version": "9.9.9", "private": true }\n', 'config.js': `module.exports = { key: "${keys.stripe}" };\n` });
  return dir;
}

/** `keyhound scan .` in a project must find the planted key (redacted), exit 1; `--version` is keyhound's. */
function expectWorks(keyhound: (args: string[]) => ReturnType<typeof run>): void {
  const scan = keyhound(['scan', '.']);
  expect(scan.code, scan.output).toBe(1);
  expect(scan.stdout).toMatch(/config\.js:1:\d+ +stripe-live-secret-key/);
  expect(scan.output).not.toContain(keys.stripe);
  expect(keyhound(['--version']).stdout).toBe(`${VERSION}\n`);
}

describe('from an npm pack tarball', () => {
  it('npm pack prints only the tarball name; installed from it, `npx keyhound scan .` finds a planted key', () => {
    // A checkout after `npm install`: its dependencies script has built dist/.
    const checkout = checkoutRepository().path;
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    const setUp = run(process.execPath, ['scripts/setup-checkout.mjs'], checkout);
    expect(setUp.code, setUp.output).toBe(0);

    const out = tempDir('keyhound-pack-');
    const pack = npm(['pack', '--pack-destination', out], checkout);
    expect(pack.code, pack.output).toBe(0);
    expect(pack.stdout).toBe(`keyhound-${VERSION}.tgz\n`);
    const files = run('tar', ['tzf', join(out, `keyhound-${VERSION}.tgz`)], out).stdout.split('\n');
    for (const file of ['bin/keyhound.cjs', 'bin/code-cache.cjs', 'bundle/keyhound.mjs', 'dist/cli.cjs', 'dist/staged.cjs', 'dist/validators.cjs', 'dist/rules.json', 'dist/rule-gates.json', 'dist/keywords.bin', 'rules/stripe.yaml', 'schema/rules.schema.json', 'action.yml']) {
      expect(files).toContain(`package/${file}`);
    }
    expect(files.filter((file) => /^package\/(src|test|scripts)\//.test(file))).toEqual([]);

    const dir = project();
    const install = npm(['install', join(out, `keyhound-${VERSION}.tgz`)], dir);
    expect(install.code, install.output).toBe(0);
    expectWorks((args) => run('npx', ['keyhound', ...args], dir));
  }, NPM_TIMEOUT);
});

describe('from git, where nothing is built', () => {
  it('npm install -g git+file://… installs a real package and its bin runs the bundle', () => {
    const repo = checkoutRepository();
    const prefix = tempDir('keyhound-global-');
    const install = npm(['install', '-g', '--prefix', prefix, `git+file://${repo.path}`], tempDir());
    expect(install.code, install.output).toBe(0);
    const installed = join(prefix, 'lib', 'node_modules', 'keyhound');
    // npm/cli#6984: with a prepare or build script, this was a link to a temporary clone npm deletes.
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(existsSync(join(installed, 'dist'))).toBe(false);
    const dir = project();
    expectWorks((args) => run(join(prefix, 'bin', 'keyhound'), args, dir));
  }, NPM_TIMEOUT);

  it('npm install -D git+file://… as a devDependency, then `npx keyhound scan .`', () => {
    const repo = checkoutRepository();
    const dir = project();
    const install = npm(['install', '-D', `git+file://${repo.path}`], dir);
    expect(install.code, install.output).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).devDependencies).toEqual({ keyhound: `git+file://${repo.path}` });
    expectWorks((args) => run('npx', ['keyhound', ...args], dir));
  }, NPM_TIMEOUT);
});

describe('the README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('says first how to add keyhound to a project: a devDependency from git and the hook, pre-commit, the action', () => {
    const first = readme.split(/^## /m)[1]!;
    expect(first.split('\n')[0]).toBe('Add keyhound to your project');
    expect(first).toContain('npm install --save-dev git+https://github.com/keyhound/keyhound.git\nnpx keyhound hook install\n');
    expect(first).toContain('  - repo: https://github.com/keyhound/keyhound\n');
    expect(first).toContain('- uses: keyhound/keyhound@main\n');
  });

  it('names no release, tag or registry package that does not exist (`npx --yes keyhound` is an npm 404, exit 1: "leaks")', () => {
    expect(readme).not.toMatch(/npx (?:--yes|-y) keyhound\b/);
    expect(readme).not.toMatch(/npm (?:install|i)(?: -[gD]| --save-dev| --global)* keyhound\b/);
    expect(readme).not.toMatch(/keyhound\/keyhound@v\d|rev: v\d/);
  });
});
