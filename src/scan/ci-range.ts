/**
 * Which commits a CI job should scan: the ones its pull request or push adds, read
 * from the variables each CI system sets. Pure: environment in, revision ranges out.
 */

const ZERO_SHA = /^0+$/;

export interface CiRange {
  /** Revision ranges for git log. */
  ranges: string[];
  /** Where the range came from, for the report and for people debugging CI. */
  source: string;
}

/** GitHub Actions push events carry `before` and `after` in the event payload. */
export type ReadEvent = (path: string) => { before?: string; after?: string } | undefined;

export function ciRange(env: NodeJS.ProcessEnv, readEvent: ReadEvent, base?: string): CiRange {
  const explicit = base ?? env.KEYHOUND_BASE;
  if (explicit) return { ranges: [`${explicit}..HEAD`], source: base ? '--base' : 'KEYHOUND_BASE' };

  if (env.GITHUB_ACTIONS === 'true') {
    if (env.GITHUB_BASE_REF) return { ranges: [`origin/${env.GITHUB_BASE_REF}..HEAD`], source: 'GitHub Actions pull request (GITHUB_BASE_REF)' };
    const event = env.GITHUB_EVENT_PATH ? readEvent(env.GITHUB_EVENT_PATH) : undefined;
    if (event?.before && event.after && !ZERO_SHA.test(event.before)) {
      return { ranges: [`${event.before}..${event.after}`], source: 'GitHub Actions push (event before..after)' };
    }
  }
  if (env.GITLAB_CI === 'true') {
    if (env.CI_MERGE_REQUEST_DIFF_BASE_SHA) return { ranges: [`${env.CI_MERGE_REQUEST_DIFF_BASE_SHA}..HEAD`], source: 'GitLab merge request (CI_MERGE_REQUEST_DIFF_BASE_SHA)' };
    if (env.CI_COMMIT_BEFORE_SHA && !ZERO_SHA.test(env.CI_COMMIT_BEFORE_SHA)) {
      return { ranges: [`${env.CI_COMMIT_BEFORE_SHA}..${env.CI_COMMIT_SHA ?? 'HEAD'}`], source: 'GitLab push (CI_COMMIT_BEFORE_SHA)' };
    }
  }
  if (env.BITBUCKET_BUILD_NUMBER && env.BITBUCKET_PR_DESTINATION_BRANCH) {
    return { ranges: [`origin/${env.BITBUCKET_PR_DESTINATION_BRANCH}..HEAD`], source: 'Bitbucket pull request (BITBUCKET_PR_DESTINATION_BRANCH)' };
  }
  if (env.TF_BUILD && env.SYSTEM_PULLREQUEST_TARGETBRANCH) {
    const target = env.SYSTEM_PULLREQUEST_TARGETBRANCH.replace(/^refs\/heads\//, '');
    return { ranges: [`origin/${target}..HEAD`], source: 'Azure Pipelines pull request (SYSTEM_PULLREQUEST_TARGETBRANCH)' };
  }
  if (env.JENKINS_URL) {
    if (env.CHANGE_TARGET) return { ranges: [`origin/${env.CHANGE_TARGET}..HEAD`], source: 'Jenkins change request (CHANGE_TARGET)' };
    if (env.GIT_PREVIOUS_SUCCESSFUL_COMMIT) {
      return { ranges: [`${env.GIT_PREVIOUS_SUCCESSFUL_COMMIT}..${env.GIT_COMMIT ?? 'HEAD'}`], source: 'Jenkins (GIT_PREVIOUS_SUCCESSFUL_COMMIT)' };
    }
  }
  if (env.CIRCLECI === 'true' && env.CIRCLE_BRANCH) {
    // CircleCI names no base; the default branch of origin is the usual target.
    return { ranges: ['origin/HEAD..HEAD'], source: 'CircleCI (origin/HEAD)' };
  }
  return { ranges: ['origin/HEAD..HEAD'], source: 'default (origin/HEAD..HEAD)' };
}

/** Pre-push hook input: `<local ref> <local sha> <remote ref> <remote sha>` per line. */
export interface PushRange {
  ranges: string[];
  /** A new branch: scan what no remote has yet. */
  newBranches: string[];
}

export function prePushRanges(input: string): PushRange {
  const ranges: string[] = [];
  const newBranches: string[] = [];
  for (const line of input.split('\n')) {
    const [, localSha, , remoteSha] = line.trim().split(/\s+/);
    if (!localSha || !remoteSha || ZERO_SHA.test(localSha)) continue; // a deletion pushes no commits
    if (ZERO_SHA.test(remoteSha)) newBranches.push(localSha);
    else ranges.push(`${remoteSha}..${localSha}`);
  }
  return { ranges, newBranches };
}
