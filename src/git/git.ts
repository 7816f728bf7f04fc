/**
 * The one module that talks to git. Every git command runs with the repository's
 * executable hooks disabled: no fsmonitor, no external diff, no textconv, no hooks,
 * no pager, so scanning a hostile repository executes nothing from it.
 */
import { spawn } from 'node:child_process';
import { simpleGit, type SimpleGit } from 'simple-git';
import { KeyhoundError } from '../errors.js';

/** `-c` settings that switch off everything a repository's config could make git run. */
export const SAFE_CONFIG = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'diff.external=',
  'core.quotePath=false',
  'protocol.allow=never',
];

export function git(dir: string): SimpleGit {
  return simpleGit({
    baseDir: dir,
    config: SAFE_CONFIG,
    unsafe: { allowUnsafeFsMonitor: true, allowUnsafeHooksPath: true, allowUnsafePack: false },
  } as Parameters<typeof simpleGit>[0]);
}

/** The top of the work tree that contains `dir`, or undefined outside git. */
export async function workTreeRoot(dir: string): Promise<string | undefined> {
  try {
    const top = await git(dir).revparse(['--show-toplevel']);
    return top.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Paths relative to `dir` from a NUL-separated git listing. */
function splitNul(output: string): string[] {
  return output.split('\0').filter((path) => path.length > 0);
}

/** Files git tracks under `dir` plus untracked files that are not ignored, minus deleted ones. */
export async function listWorkTreeFiles(dir: string): Promise<string[]> {
  const repo = git(dir);
  const [present, deleted] = await Promise.all([
    repo.raw(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate']),
    repo.raw(['ls-files', '-z', '--deleted']),
  ]);
  const gone = new Set(splitNul(deleted));
  return splitNul(present).filter((path) => !gone.has(path));
}

/** Runs git with the safe settings and returns stdout; a failure becomes a KeyhoundError. */
export function runGit(dir: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...SAFE_CONFIG.flatMap((setting) => ['-c', setting]), ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new KeyhoundError(`cannot run git: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new KeyhoundError(`git ${args[0]} failed: ${Buffer.concat(err).toString('utf8').trim().split('\n')[0]}`));
    });
  });
}
