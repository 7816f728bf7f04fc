/** Runs the built CLI as a user does: a real process, real files, real git. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/keyhound.cjs');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The built bin as a real process: only where a process is what is tested (signals, a
 * hook git runs, pipes, worker threads, the package itself); else run() of run.ts.
 * `bin`: another copy of the package's bin/keyhound.cjs (default: this checkout's).
 * `timeoutMs`: kill it after this long (code -1), for cases that once hung.
 */
export function keyhound(args: string[], options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv; bin?: string; timeoutMs?: number }): RunResult {
  const result = spawnSync(process.execPath, [options.bin ?? BIN, ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    ...(options.timeoutMs ? { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix = 'keyhound-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files (path → content) under `root`, creating directories. */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** git with a fixed identity and dates, so commit ids are deterministic. */
export function gitIn(cwd: string, args: string[]): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test Author',
      GIT_AUTHOR_EMAIL: 'author@test.invalid',
      GIT_COMMITTER_NAME: 'Test Author',
      GIT_COMMITTER_EMAIL: 'author@test.invalid',
      GIT_AUTHOR_DATE: '2024-01-02T03:04:05Z',
      GIT_COMMITTER_DATE: '2024-01-02T03:04:05Z',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: cwd,
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

export function initRepo(root: string): void {
  gitIn(root, ['init', '-q', '-b', 'main']);
}

/** A new repository (branch main) holding these files, not yet committed. */
export function repoWith(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  initRepo(dir);
  writeTree(dir, files);
  return dir;
}

/** Commits everything (hooks off) and returns the commit id. */
export function commitAll(dir: string, message: string): string {
  gitIn(dir, ['add', '-A']);
  gitIn(dir, ['commit', '-q', '--no-verify', '-m', message]);
  return gitIn(dir, ['rev-parse', 'HEAD']).trim();
}
