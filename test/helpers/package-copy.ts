/** The built package, copied (or built) into a temp dir once per test file. */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gitIn, initRepo, tempDir, type RunResult } from './cli.js';
import { run } from './run.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The newest modification time of the files under a path. */
function newest(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * A copy of the built package in a temp dir: readable by any user (for runs as
 * `nobody`), and safe from other tests rebuilding dist/ meanwhile. Built there from
 * the sources when dist/ is older than them (or missing); copied when it is up to date,
 * as after `npm test`'s build. node_modules is linked (recheck is loaded from there).
 */
export function packageCopy(): string {
  const dir = tempDir('keyhound-pkg-');
  chmodSync(dir, 0o755);
  const sources = Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'rules')), newest(join(ROOT, 'scripts')));
  const fresh = existsSync(join(ROOT, 'dist', 'cli.cjs')) && existsSync(join(ROOT, 'dist', 'rules.json')) && newest(join(ROOT, 'dist')) >= sources;
  const parts = fresh ? ['package.json', 'bin', 'dist', 'rules', 'schema'] : ['package.json', 'tsconfig.json', 'bin', 'scripts', 'src', 'rules', 'schema'];
  for (const part of parts) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  if (!fresh) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: dir, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`);
  }
  return dir;
}

/**
 * The package's files as a git checkout has them, and nothing built or installed: no
 * dist/, no node_modules (what the GitHub Action's runner downloads, say).
 */
export function unbuiltCopy(): string {
  const dir = tempDir('keyhound-unbuilt-');
  for (const part of ['package.json', 'action.yml', 'bin', 'bundle', 'rules', 'schema']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  return dir;
}

/**
 * This checkout as a repository of its own: its files (not dist/, not node_modules)
 * committed, as a clone of it has them, uncommitted changes included.
 */
export function checkoutRepository(): { path: string; rev: string } {
  const path = tempDir('keyhound-repo-');
  const files = gitIn(ROOT, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0').filter(Boolean);
  for (const file of files) if (existsSync(join(ROOT, file))) cpSync(join(ROOT, file), join(path, file));
  initRepo(path);
  gitIn(path, ['add', '-A']);
  gitIn(path, ['commit', '-q', '-m', 'keyhound']);
  return { path, rev: gitIn(path, ['rev-parse', 'HEAD']).trim() };
}

/**
 * Runs the CLI as a user without privileges, for tests of files it may not read: in
 * process, or, when the tests run as root (which reads every file), as a real process of
 * the user nobody on a packageCopy() (the checkout may not be readable by nobody).
 */
export async function runUnprivileged(args: string[], cwd: string): Promise<RunResult> {
  if (process.getuid?.() !== 0) return run(args, { cwd });
  const bin = join(packageCopy(), 'bin', 'keyhound.cjs');
  const result = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, bin, ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', HOME: cwd },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
