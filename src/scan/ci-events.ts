/**
 * What a CI job was started for (a pull request, a push, a new branch, a tag, a
 * schedule), read from the variables each CI system sets and, on GitHub, the event
 * payload. Pure: variables in, an event out; which commits that means is ci-range.ts.
 */

export type CiSystem = 'github' | 'gitlab' | 'bitbucket' | 'circleci' | 'azure' | 'jenkins' | 'none';

/** What an event asks to scan, before looking at the repository. `label` names it for people. */
export type CiEvent =
  /** `--base` or KEYHOUND_BASE: BASE..HEAD, as given. */
  | { kind: 'base'; base: string; label: string }
  /** A push to an existing branch: the commits since `before` (the branch's previous tip). */
  | { kind: 'push'; before: string; forced: boolean; branch?: string; defaultBranch?: string; label: string }
  /** A pull or merge request: the commits not on its target branch (or past the target commit). */
  | { kind: 'pull-request'; target?: string; targetCommit?: string; label: string }
  /** A push that creates a branch, or one with no previous tip to go by. */
  | { kind: 'new-branch'; branch?: string; defaultBranch?: string; label: string }
  /** A tag push: the tag's commits that no branch has. */
  | { kind: 'tag'; label: string }
  /** A schedule or a manual run: the whole history of HEAD. */
  | { kind: 'history'; label: string };

/** The fields keyhound reads from a GitHub Actions event payload (GITHUB_EVENT_PATH). */
export interface GithubPayload {
  ref?: string;
  before?: string;
  forced?: boolean;
  repository?: { default_branch?: string };
  pull_request?: { base?: { ref?: string; sha?: string } };
  merge_group?: { base_ref?: string; base_sha?: string };
}

type Env = Readonly<Record<string, string | undefined>>;

/** A full commit id, SHA-1 or SHA-256. */
export const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/** A commit id, not the all-zero one CI systems give when there was no previous tip. */
function isCommitId(value: string | undefined): value is string {
  return value !== undefined && COMMIT_ID.test(value) && !/^0+$/.test(value);
}

export function detectCiSystem(env: Env): CiSystem {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.GITLAB_CI === 'true') return 'gitlab';
  if (env.BITBUCKET_BUILD_NUMBER) return 'bitbucket';
  if (env.CIRCLECI === 'true') return 'circleci';
  if (env.TF_BUILD?.toLowerCase() === 'true') return 'azure';
  if (env.JENKINS_URL) return 'jenkins';
  return 'none';
}

/** How each CI system's job gets the whole history: the fix when a shallow clone cannot be deepened. */
export const FULL_HISTORY_FIX: Record<CiSystem, string> = {
  github: 'fetch the whole history: `fetch-depth: 0` on actions/checkout',
  gitlab: "fetch the whole history: `GIT_DEPTH: 0` in the job's variables",
  bitbucket: 'fetch the whole history: `clone: depth: full` in bitbucket-pipelines.yml',
  circleci: 'fetch the whole history: `git fetch --unshallow` before keyhound ci',
  azure: 'fetch the whole history: `fetchDepth: 0` on the checkout step',
  jenkins: "fetch the whole history: turn off shallow clone in the Git plugin's clone options",
  none: 'fetch the whole history: `git fetch --unshallow`',
};

/** `base` is the --base option; it and KEYHOUND_BASE override what the CI variables say. */
export function readCiEvent(system: CiSystem, env: Env, payload: GithubPayload = {}, base?: string): CiEvent {
  if (base) return { kind: 'base', base, label: '--base' };
  if (env.KEYHOUND_BASE) return { kind: 'base', base: env.KEYHOUND_BASE, label: 'KEYHOUND_BASE' };
  return READERS[system](env, payload);
}

const READERS: Record<CiSystem, (env: Env, payload: GithubPayload) => CiEvent> = {
  github(env, payload) {
    const name = env.GITHUB_EVENT_NAME ?? 'push';
    const label = `GitHub ${name}`;
    // pull_request and pull_request_target set GITHUB_BASE_REF; a merge queue names its base in the payload.
    const target = env.GITHUB_BASE_REF || payload.pull_request?.base?.ref || stripPrefix(payload.merge_group?.base_ref, 'refs/heads/');
    const targetCommit = payload.pull_request?.base?.sha ?? payload.merge_group?.base_sha;
    if (target || targetCommit) return pullRequest(label, target, targetCommit);
    const ref = env.GITHUB_REF ?? payload.ref;
    const tag = stripPrefix(ref, 'refs/tags/');
    if (tag && (name === 'push' || name === 'release')) return { kind: 'tag', label: `${label} of tag ${tag}` };
    if (name !== 'push') return { kind: 'history', label };
    return push(label, payload.before, stripPrefix(ref, 'refs/heads/'), payload.repository?.default_branch, payload.forced === true);
  },

  gitlab(env) {
    const source = env.CI_PIPELINE_SOURCE ?? 'push';
    const label = `GitLab ${source} pipeline`;
    if (source === 'merge_request_event' || env.CI_MERGE_REQUEST_IID) {
      return pullRequest(label, env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME, env.CI_MERGE_REQUEST_DIFF_BASE_SHA);
    }
    if (source === 'external_pull_request_event') {
      return pullRequest(label, env.CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME, env.CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_SHA);
    }
    if (env.CI_COMMIT_TAG) return { kind: 'tag', label: `${label} for tag ${env.CI_COMMIT_TAG}` };
    // GitLab gives a previous tip only to push pipelines; schedules, web, API and trigger runs get zeros.
    const before = env.CI_COMMIT_BEFORE_SHA;
    if (source !== 'push' && !isCommitId(before)) return { kind: 'history', label };
    return push(label, before, env.CI_COMMIT_BRANCH ?? env.CI_COMMIT_REF_NAME, env.CI_DEFAULT_BRANCH);
  },

  bitbucket(env) {
    if (env.BITBUCKET_PR_DESTINATION_BRANCH) return pullRequest('Bitbucket pull request', env.BITBUCKET_PR_DESTINATION_BRANCH);
    if (env.BITBUCKET_TAG) return { kind: 'tag', label: `Bitbucket tag ${env.BITBUCKET_TAG}` };
    // Bitbucket names no previous commit: a branch build scans what the branch adds.
    return newBranch('Bitbucket branch pipeline', env.BITBUCKET_BRANCH);
  },

  circleci(env) {
    if (env.CIRCLE_TAG) return { kind: 'tag', label: `CircleCI tag ${env.CIRCLE_TAG}` };
    // CircleCI names neither a previous commit nor a pull request's target.
    return newBranch('CircleCI branch build', env.CIRCLE_BRANCH);
  },

  azure(env) {
    const reason = env.BUILD_REASON ?? 'IndividualCI';
    const label = `Azure Pipelines ${reason} build`;
    if (reason === 'PullRequest' || env.SYSTEM_PULLREQUEST_TARGETBRANCH) {
      const target = env.SYSTEM_PULLREQUEST_TARGETBRANCH;
      return pullRequest(label, stripPrefix(target, 'refs/heads/') ?? target);
    }
    const tag = stripPrefix(env.BUILD_SOURCEBRANCH, 'refs/tags/');
    if (tag) return { kind: 'tag', label: `${label} of tag ${tag}` };
    if (reason === 'Schedule' || reason === 'Manual') return { kind: 'history', label };
    return newBranch(label, stripPrefix(env.BUILD_SOURCEBRANCH, 'refs/heads/'));
  },

  jenkins(env) {
    if (env.CHANGE_TARGET) return pullRequest('Jenkins change request', env.CHANGE_TARGET);
    if (env.TAG_NAME) return { kind: 'tag', label: `Jenkins tag ${env.TAG_NAME}` };
    const branch = env.BRANCH_NAME ?? stripPrefix(env.GIT_BRANCH, 'origin/');
    // The last successful build of this job plays the part of a push's previous tip.
    return push('Jenkins build', env.GIT_PREVIOUS_SUCCESSFUL_COMMIT, branch);
  },

  none: () => newBranch('no CI detected'),
};

function pullRequest(label: string, target?: string, targetCommit?: string): CiEvent {
  return {
    kind: 'pull-request',
    ...(target ? { target } : {}),
    ...(isCommitId(targetCommit) ? { targetCommit } : {}),
    label: target ? `${label} into ${target}` : label,
  };
}

/** A push with a previous tip; without one (zeros, or none given) it is a new branch. */
function push(label: string, before: string | undefined, branch?: string, defaultBranch?: string, forced = false): CiEvent {
  if (!isCommitId(before)) return newBranch(label, branch, defaultBranch);
  return { kind: 'push', before, forced, ...(branch ? { branch } : {}), ...(defaultBranch ? { defaultBranch } : {}), label: branch ? `${label} to ${branch}` : label };
}

function newBranch(label: string, branch?: string, defaultBranch?: string): CiEvent {
  return { kind: 'new-branch', ...(branch ? { branch } : {}), ...(defaultBranch ? { defaultBranch } : {}), label: branch ? `${label} on ${branch}` : label };
}

function stripPrefix(value: string | undefined, prefix: string): string | undefined {
  return value?.startsWith(prefix) ? value.slice(prefix.length) : undefined;
}
