/**
 * What the reports know about the run beyond the scan result: when it started, the
 * commit the tree is at, and the repository's https address for commit links.
 */
import { basename } from 'node:path';
import { runGit } from '../git/git.js';
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
  const [revision, remote, directory] = await Promise.all([
    runGit(cwd, ['rev-parse', '--verify', '-q', 'HEAD']).catch(() => ''),
    fromEnv ? Promise.resolve(fromEnv) : runGit(cwd, ['remote', 'get-url', 'origin']).catch(() => ''),
    runGit(cwd, ['rev-parse', '--show-toplevel']).catch(() => runGit(cwd, ['rev-parse', '--absolute-git-dir'])).catch(() => ''),
  ]);
  const repositoryUrl = remote.trim() ? httpsRepositoryUrl(remote.trim()) : undefined;
  // Without an address, the directory's name (a bare `api.git` is `api`) tells repositories apart.
  const repository = repositoryUrl ?? (directory.trim() ? basename(directory.trim()).replace(/\.git$/, '') : undefined);
  return {
    ...meta, ...(revision.trim() ? { revision: revision.trim() } : {}), ...(repositoryUrl ? { repositoryUrl } : {}), ...(repository ? { repository } : {}),
  };
}
