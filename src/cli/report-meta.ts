/**
 * What the reports know about the run beyond the scan result: when it started, the
 * repository, branch and commit scanned, and the repository's https address for links.
 */
import { realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { streamGitLines } from '../git/git.js';
import type { FormatName } from '../report/index.js';
import type { ReportMeta } from '../report/types.js';

/** Formats that use the repository address or revision; the rest skip the git calls. */
const USES_GIT_FACTS: ReadonlySet<FormatName> = new Set<FormatName>(['html', 'gitlab', 'sarif', 'json']);

/** An https address for a remote, without any credentials in it (a remote URL may carry a token). */
export function httpsRepositoryUrl(remote: string): string | undefined {
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?\/?$/.exec(remote);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const url = new URL(remote);
    if (!/^(https?|ssh|git):$/.test(url.protocol)) return undefined;
    return `https://${url.hostname}${url.pathname.replace(/\.git\/?$/, '').replace(/\/$/, '')}`;
  } catch {
    return undefined;
  }
}

export async function reportMeta(format: FormatName, cwd: string, env: NodeJS.ProcessEnv, command: string, startedAt: string): Promise<ReportMeta> {
  const meta: ReportMeta = { command, startedAt };
  if (!USES_GIT_FACTS.has(format)) return meta;
  const fromEnv = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}` : env.CI_PROJECT_URL;
  // A CI checkout is often a detached HEAD: the CI names the branch (a pull request's own first).
  const ciBranch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || env.CI_COMMIT_REF_NAME;
  const [{ revision, root, gitDir }, remote, branch] = await Promise.all([
    repositoryFacts(cwd),
    fromEnv ? Promise.resolve(fromEnv) : gitFact(cwd, ['remote', 'get-url', 'origin']),
    ciBranch ? Promise.resolve(ciBranch) : gitFact(cwd, ['symbolic-ref', '--short', '-q', 'HEAD']),
  ]);
  const repositoryUrl = remote ? httpsRepositoryUrl(remote) : undefined;
  // Without an address, the directory's name (a bare `api.git` is `api`) tells repositories apart.
  const directory = root || gitDir;
  const repository = repositoryUrl ?? (directory ? basename(directory).replace(/\.git$/, '') : undefined);
  return {
    ...meta,
    ...(revision ? { revision } : {}),
    ...(repositoryUrl ? { repositoryUrl } : root ? { repositoryPath: root } : {}),
    ...(repository ? { repository } : {}),
    ...(branch ? { branch } : {}),
  };
}

/**
 * The git directory, the work tree's top level (none in a bare repository, or inside
 * the git directory) and HEAD's commit (none before the first), from one git: each git
 * started costs a run about 2 ms. Each answer is a line of its own, in the order asked:
 * `--show-cdup` prints none where there is no work tree, and HEAD none when it names no
 * commit (exit 1).
 */
async function repositoryFacts(cwd: string): Promise<{ revision?: string; root?: string; gitDir?: string }> {
  const lines: string[] = [];
  const asked = ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--show-cdup', '--verify', '-q', 'HEAD'];
  const result = await streamGitLines(cwd, asked, (line) => void lines.push(line)).catch(() => undefined);
  if (!result || result.code > 1 || lines.length < 2) return {};
  const [bare, gitDir, ...rest] = lines;
  const revision = /^[0-9a-f]{40,64}$/.test(rest.at(-1) ?? '') ? rest.pop() : undefined;
  // The top level as git names it (--show-toplevel): a real path, never a symbolic link's.
  const cdup = bare === 'false' ? rest[0] : undefined;
  const root = cdup === undefined ? undefined : realpathOrSelf(resolve(cwd, cdup));
  return { ...(revision ? { revision } : {}), ...(root ? { root } : {}), gitDir };
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * What git answers, trimmed; empty where it cannot (not a repository, no remote, a
 * detached HEAD, a bare repository's top level). Read without an error for a refusal:
 * the first error object a run makes costs it 3 ms.
 */
async function gitFact(cwd: string, args: string[]): Promise<string> {
  let answer = '';
  const result = await streamGitLines(cwd, args, (line) => void (answer += `${line}\n`)).catch(() => undefined);
  return result?.code === 0 ? answer.trim() : '';
}
