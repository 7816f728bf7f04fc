/**
 * What the reports know about the run beyond the scan result: when it started, the
 * repository, branch and commit scanned, and the repository's https address for links.
 */
import { basename } from 'node:path';
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
  const [revision, remote, branch, root, gitDir] = await Promise.all([
    gitFact(cwd, ['rev-parse', '--verify', '-q', 'HEAD']),
    fromEnv ? Promise.resolve(fromEnv) : gitFact(cwd, ['remote', 'get-url', 'origin']),
    ciBranch ? Promise.resolve(ciBranch) : gitFact(cwd, ['symbolic-ref', '--short', '-q', 'HEAD']),
    gitFact(cwd, ['rev-parse', '--show-toplevel']),
    gitFact(cwd, ['rev-parse', '--absolute-git-dir']),
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
 * What git answers, trimmed; empty where it cannot (not a repository, no remote, a
 * detached HEAD, a bare repository's top level). Read without an error for a refusal:
 * the first error object a run makes costs it 3 ms.
 */
async function gitFact(cwd: string, args: string[]): Promise<string> {
  let answer = '';
  const result = await streamGitLines(cwd, args, (line) => void (answer += `${line}\n`)).catch(() => undefined);
  return result?.code === 0 ? answer.trim() : '';
}
