/**
 * The one module that talks to git. Every git command runs with the repository's
 * executable hooks disabled: no fsmonitor, no external diff, no textconv, no hooks,
 * no pager, so scanning a hostile repository executes nothing from it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { KeyhoundError } from '../errors.js';

/** `-c` settings that switch off everything a repository's config could make git run. */
export const SAFE_CONFIG = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'diff.external=',
  'core.quotePath=false',
  'log.showSignature=false',
  'protocol.allow=never',
];

/** Diff options that keep git from running drivers configured by the repository. */
export const SAFE_DIFF_OPTIONS = ['--no-ext-diff', '--no-textconv', '--no-color'];

/**
 * The safe settings but the hooks path: where the user's own git runs hooks, for
 * `keyhound hook install` (with SAFE_CONFIG, git would answer /dev/null).
 */
export const HOOKS_PATH_CONFIG = SAFE_CONFIG.filter((setting) => !setting.startsWith('core.hooksPath='));

/** The top of the work tree that contains `dir`, or undefined outside git. */
export async function workTreeRoot(dir: string): Promise<string | undefined> {
  // The common case without spawning git (start-up matters for the hook): the nearest
  // directory holding a .git entry. Git's own environment variables change the answer.
  if (!process.env.GIT_DIR && !process.env.GIT_WORK_TREE) {
    for (let at = resolve(dir); ; at = dirname(at)) {
      if (existsSync(join(at, '.git'))) return at;
      if (dirname(at) === at || process.env.GIT_CEILING_DIRECTORIES?.split(':').includes(dirname(at))) return undefined;
    }
  }
  try {
    const top = await runGit(dir, ['rev-parse', '--show-toplevel']);
    return top.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Whether git ignores this directory (check-ignore exits 0 when it does). */
export async function isIgnoredByGit(dir: string): Promise<boolean> {
  try {
    await runGit(dir, ['check-ignore', '-q', '.']);
    return true;
  } catch {
    return false;
  }
}

/** Paths relative to `dir` from a NUL-separated git listing. */
function splitNul(output: string): string[] {
  return output.split('\0').filter((path) => path.length > 0);
}

/** Files git tracks under `dir` plus untracked files that are not ignored, minus deleted ones. */
export async function listWorkTreeFiles(dir: string): Promise<string[]> {
  const [present, deleted] = await Promise.all([
    runGit(dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate']),
    runGit(dir, ['ls-files', '-z', '--deleted']),
  ]);
  const gone = new Set(splitNul(deleted));
  return splitNul(present).filter((path) => !gone.has(path));
}

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', GIT_PAGER: 'cat' };
  // An inherited external diff would run a program from the environment on every patch.
  delete env.GIT_EXTERNAL_DIFF;
  return env;
}

export function spawnGit(dir: string, args: string[], withInput = false, config: readonly string[] = SAFE_CONFIG) {
  return spawn('git', [...config.flatMap((setting) => ['-c', setting]), ...args], {
    cwd: dir,
    stdio: [withInput ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: gitEnv(),
  });
}

export interface StreamResult {
  code: number;
  stderr: string;
}

/**
 * Runs git and hands each line of its output to `onLine` as it arrives, so a whole
 * history never sits in memory. `input` goes to git's stdin: a string, or a stream.
 * `room`, asked after each chunk: a promise while the consumer is behind, and git's
 * output is not read (git waits) until it resolves. Resolves with the exit code and
 * stderr; never rejects for a non-zero exit (the caller decides whether that is fatal).
 */
export function streamGitLines(
  dir: string,
  args: string[],
  onLine: (line: string) => void,
  input?: string | Readable,
  room?: () => Promise<void> | undefined,
): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(dir, args, input !== undefined);
    if (typeof input === 'string') child.stdin?.end(input);
    else if (input) input.pipe(child.stdin!);
    // git may exit before reading all its input (a bad revision): that is its exit code's story, not an error here.
    child.stdin?.on('error', () => {});
    let rest = '';
    const err: Buffer[] = [];
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      const text = rest + chunk;
      let start = 0;
      let newline = text.indexOf('\n');
      while (newline !== -1) {
        onLine(text.slice(start, newline));
        start = newline + 1;
        newline = text.indexOf('\n', start);
      }
      rest = text.slice(start);
      const behind = room?.();
      if (behind) {
        child.stdout!.pause();
        void behind.then(() => child.stdout!.resume());
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new KeyhoundError(`cannot run git: ${error.message}`)));
    child.on('close', (code) => {
      if (rest) onLine(rest);
      resolve({ code: code ?? 1, stderr: Buffer.concat(err).toString('utf8').trim() });
    });
  });
}

/**
 * Whether git reads `value` as a date, as `git log --since` does. That never says: its
 * approxidate turns what it cannot read ("not a date") into "now", and a scan finds 0
 * commits. The same parser, asked for an expiry date, rejects what it did not read.
 */
export async function isGitDate(dir: string, value: string): Promise<boolean> {
  const result = await streamGitLines(dir, ['-c', `keyhound.date=${value}`, 'config', '--type=expiry-date', 'keyhound.date'], () => {});
  return result.code === 0;
}

/** Why a git run failed, in one line: the first line of its stderr, or its exit code. */
export function failureReason(result: StreamResult): string {
  return result.stderr.split('\n').find((line) => line.trim())?.trim() ?? `exit code ${result.code}`;
}

/**
 * git ran and failed (or could not run): which command, its exit code and what it said.
 * `shownAs`: the command the message names, when the user knows the step by another name.
 */
export class GitError extends KeyhoundError {
  override readonly name: string = 'GitError';

  constructor(
    readonly args: readonly string[],
    readonly code: number,
    readonly stderr: string,
    shownAs = args[0],
  ) {
    super(`git ${shownAs} failed: ${failureReason({ code, stderr })}`);
  }
}

/** Runs git with the safe settings (or `config`) and returns stdout; a failure becomes a GitError. */
export function runGit(dir: string, args: string[], input?: string, config?: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(dir, args, input !== undefined, config);
    if (input !== undefined) child.stdin?.end(input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new KeyhoundError(`cannot run git: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new GitError(args, code ?? -1, Buffer.concat(err).toString('utf8').trim()));
    });
  });
}

export interface Repository {
  /** The top of the work tree, or the git directory of a bare repository (or mirror). */
  root: string;
  bare: boolean;
  /** The git directory a linked worktree shares with the main one (its own otherwise). */
  commonDir: string;
  /** Where git lists a shallow clone's boundary (the file may not exist). */
  shallowFile: string;
}

/**
 * The repository at `dir`, work tree or bare. git's own refusals (dubious ownership, a
 * broken repository) are errors with git's reason, never "no commits".
 */
export async function openRepository(dir: string): Promise<Repository> {
  let answer: string;
  try {
    // One git for all four facts: each git started costs a history rescan about 2 ms.
    answer = await runGit(dir, ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--path-format=absolute', '--git-common-dir', '--git-path', 'shallow']);
  } catch (error) {
    if (error instanceof GitError && /not a git repository/i.test(error.stderr)) {
      throw new KeyhoundError(`not a git repository: ${dir} (use \`keyhound scan\` for a plain directory)`, { cause: error });
    }
    throw error;
  }
  const [bare, gitDir = dir, commonDir = gitDir, shallowFile = join(commonDir, 'shallow')] = answer.trim().split('\n');
  const paths = { commonDir, shallowFile };
  if (bare === 'true') return { root: gitDir, bare: true, ...paths };
  return { root: (await runGit(dir, ['rev-parse', '--show-toplevel'])).trim(), bare: false, ...paths };
}

/** The tree of HEAD's commit, or undefined when HEAD names no commit yet. */
export async function headTree(repo: string): Promise<string | undefined> {
  try {
    return (await runGit(repo, ['rev-parse', '-q', '--verify', 'HEAD^{tree}'])).trim();
  } catch (error) {
    // Exit 1 is "no such object"; anything else is git refusing to work.
    if (!(error instanceof GitError) || error.code !== 1) throw error;
    return undefined;
  }
}

/** Whether HEAD or any ref names a commit (an empty repository has none). */
export async function hasCommits(repo: string): Promise<boolean> {
  try {
    await runGit(repo, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']);
    return true;
  } catch (error) {
    // Exit 1 is "no such commit"; anything else is git refusing to work.
    if (!(error instanceof GitError) || error.code !== 1) throw error;
  }
  return (await runGit(repo, ['for-each-ref', '--count=1', '--format=%(objectname)'])).trim() !== '';
}

/** The commits at a shallow clone's boundary (their parents are missing); empty for a full clone. */
export function shallowBoundary(repository: Repository): Set<string> {
  try {
    return new Set(readFileSync(repository.shallowFile, 'utf8').split('\n').filter((line) => line.length > 0));
  } catch {
    return new Set();
  }
}

/** Branch names under refs/remotes/<remote>/ (its HEAD left out). */
export async function remoteBranches(repo: string, remote: string): Promise<string[]> {
  const prefix = `refs/remotes/${remote}/`;
  const output = await runGit(repo, ['for-each-ref', '--format=%(refname)', prefix]);
  return output.split('\n').filter((ref) => ref.startsWith(prefix) && ref !== `${prefix}HEAD`).map((ref) => ref.slice(prefix.length));
}

/** The branch HEAD is on, or undefined when HEAD is detached. */
export async function currentBranch(repo: string): Promise<string | undefined> {
  let branch: string | undefined;
  const result = await streamGitLines(repo, ['symbolic-ref', '-q', '--short', 'HEAD'], (line) => void (branch ??= line || undefined));
  return result.code === 0 ? branch : undefined;
}

/** Which of these commit ids name a commit this repository has. */
export async function presentCommits(repo: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const present = new Set<string>();
  let index = 0;
  // cat-file answers each line of its input in order: "<id> commit <size>", or "<id> missing".
  await streamGitLines(repo, ['cat-file', '--batch-check=%(objecttype)'], (line) => {
    const id = ids[index++];
    if (id !== undefined && line === 'commit') present.add(id);
  }, ids.map((id) => `${id}^{commit}\n`).join(''));
  return present;
}

/**
 * The commits of a range that have no parent here: roots, or (in a shallow clone)
 * commits whose parents were not fetched.
 */
export async function parentlessCommits(repo: string, revisions: readonly string[]): Promise<string[]> {
  const parentless: string[] = [];
  const args = ['rev-list', '--parents', ...revisions, '--'];
  const result = await streamGitLines(repo, args, (line) => {
    if (line && !line.includes(' ')) parentless.push(line);
  });
  if (result.code !== 0) throw new GitError(args, result.code, result.stderr);
  return parentless;
}

/**
 * `protocol.allow=never` keeps every other git command off the network; the ones
 * keyhound runs on purpose to ask origin may use the usual transports (never ext:: or
 * fd::, which run programs).
 */
const NETWORK_PROTOCOLS = ['file', 'git', 'http', 'https', 'ssh'].flatMap((name) => ['-c', `protocol.${name}.allow=always`]);

/** Runs a git command that may reach origin; its output lines, or a GitError. */
async function askOrigin(repo: string, args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const result = await streamGitLines(repo, [...NETWORK_PROTOCOLS, ...args], (line) => lines.push(line));
  if (result.code !== 0) throw new GitError(args, result.code, result.stderr);
  return lines;
}

/** Fetches refspecs or commit ids from origin; `options`: --depth, --deepen. */
export async function fetchFromOrigin(repo: string, options: readonly string[], what: readonly string[]): Promise<void> {
  await askOrigin(repo, ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', '--no-write-fetch-head', ...options, 'origin', ...what]);
}

/** origin's branches (name → commit id): those named, or all. */
export async function originBranches(repo: string, names?: readonly string[]): Promise<Map<string, string>> {
  const lines = await askOrigin(repo, ['ls-remote', '--heads', 'origin', ...(names ?? []).map((name) => `refs/heads/${name}`)]);
  const heads = new Map<string, string>();
  for (const line of lines) {
    const [id, ref] = line.split('\t');
    const name = ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
    // ls-remote matches the end of a name: refs/heads/x/main answers for main too.
    if (id && name && (!names || names.includes(name))) heads.set(name, id);
  }
  return heads;
}

/** Points refs/remotes/<remote>/<name> at each commit (commits this repository has). */
export async function setRemoteBranches(repo: string, remote: string, heads: ReadonlyMap<string, string>): Promise<void> {
  if (heads.size === 0) return;
  await runGit(repo, ['update-ref', '--stdin'], [...heads].map(([name, id]) => `update refs/remotes/${remote}/${name} ${id}\n`).join(''));
}

/** An annotated tag: its name and tag object id (lightweight tags have no message). */
export interface AnnotatedTag {
  name: string;
  id: string;
}

export async function annotatedTags(repo: string): Promise<AnnotatedTag[]> {
  const listing = await runGit(repo, ['for-each-ref', '--format=%(objecttype)%00%(objectname)%00%(refname:short)', 'refs/tags']);
  return listing.split('\n').flatMap((line) => {
    const [type, id, name] = line.split('\0');
    return type === 'tag' && id && name ? [{ name, id }] : [];
  });
}

/** The commits of the notes histories (refs/notes/*): the files they add are notes on other commits. */
export async function notesCommits(repo: string): Promise<Set<string>> {
  const listing = await runGit(repo, ['rev-list', '--glob=refs/notes', '--']);
  return new Set(listing.split('\n').filter(Boolean));
}

/**
 * Objects nothing reaches, reflogs included (rebased, amended, reset, force-pushed away): the tips only.
 * --connectivity-only: the same list without reading every blob (2.2 s instead of 9.6 s on the 10,000-commit benchmark).
 */
export async function danglingObjects(repo: string): Promise<{ commits: string[]; blobs: string[]; tags: string[] }> {
  const found = { commits: [] as string[], blobs: [] as string[], tags: [] as string[] };
  const listing = await runGit(repo, ['fsck', '--connectivity-only', '--dangling', '--no-reflogs', '--no-progress']);
  for (const line of listing.split('\n')) {
    const [, type, id] = /^dangling (commit|blob|tag) ([0-9a-f]+)$/.exec(line) ?? [];
    if (type === 'commit') found.commits.push(id!);
    else if (type === 'blob') found.blobs.push(id!);
    else if (type === 'tag') found.tags.push(id!);
  }
  return found;
}
