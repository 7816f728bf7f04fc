/**
 * `keyhound ci` on every CI event. The range is a pure function of the CI system, its
 * variables and payload, and the refs the clone has: one table covers every system and
 * event.
 */
import { describe, expect, it } from 'vitest';
import { detectCiSystem, type CiSystem, type GithubPayload } from '../src/scan/ci-events.js';
import { selectCiRange, type RepoRefs, type Wanted } from '../src/scan/ci-range.js';

const BEFORE = 'b'.repeat(40);
const TARGET = 'c'.repeat(40);
const GONE = 'd'.repeat(40);
const ZEROS = '0'.repeat(40);

/** A clone with every branch (fetch-depth: 0, CircleCI, Jenkins' default). */
const FULL: RepoRefs = { remoteBranches: ['main', 'feature', 'other'], commits: new Set([BEFORE, TARGET]) };
/** A clone of one branch only (actions/checkout's depth 1, GitLab, Bitbucket, Jenkins multibranch). */
const ONE_BRANCH: RepoRefs = { remoteBranches: ['feature'], commits: new Set() };
const NO_BRANCH: RepoRefs = { remoteBranches: [], commits: new Set() };
const NOT_ON_OTHERS = ['HEAD', '^refs/remotes/origin/main', '^refs/remotes/origin/other'];
const NOT_ON_ANY = ['HEAD', '^refs/remotes/origin/main', '^refs/remotes/origin/feature', '^refs/remotes/origin/other'];

interface Row {
  name: string;
  system: CiSystem;
  env: Record<string, string>;
  payload?: GithubPayload;
  refs: RepoRefs;
  base?: string;
  revisions?: string[];
  error?: RegExp;
  notice?: RegExp;
  wanted?: Wanted;
}

const githubPush = { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/feature', GITHUB_BASE_REF: '', GITHUB_HEAD_REF: '' };
const githubPr = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge', GITHUB_BASE_REF: 'main', GITHUB_HEAD_REF: 'feature' };
const prPayload: GithubPayload = { pull_request: { base: { ref: 'main', sha: TARGET } } };
const mainIsDefault = { repository: { default_branch: 'main' } };
const gitlabMr = { CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_IID: '7', CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_MERGE_REQUEST_DIFF_BASE_SHA: TARGET, CI_COMMIT_REF_NAME: 'feature' };
const gitlabPush = { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'feature', CI_COMMIT_REF_NAME: 'feature', CI_DEFAULT_BRANCH: 'main' };

const ROWS: Row[] = [
  // GitHub Actions
  { name: 'pull_request', system: 'github', env: githubPr, payload: prPayload, refs: FULL, revisions: ['refs/remotes/origin/main..HEAD'] },
  { name: 'pull_request_target, target branch not fetched: the base commit', system: 'github', env: { ...githubPr, GITHUB_EVENT_NAME: 'pull_request_target' }, payload: prPayload, refs: { remoteBranches: [], commits: new Set([TARGET]) }, revisions: [`${TARGET}..HEAD`] },
  { name: 'pull_request in a depth-1 checkout: fetch the target', system: 'github', env: githubPr, payload: prPayload, refs: NO_BRANCH, error: /target branch main is not in this clone/, wanted: { branches: ['main'] } },
  { name: 'merge_group', system: 'github', env: { GITHUB_EVENT_NAME: 'merge_group', GITHUB_REF: 'refs/heads/gh-readonly-queue/main/pr-7' }, payload: { merge_group: { base_ref: 'refs/heads/main', base_sha: TARGET } }, refs: FULL, revisions: ['refs/remotes/origin/main..HEAD'] },
  { name: 'push to a branch', system: 'github', env: githubPush, payload: { before: BEFORE, ...mainIsDefault }, refs: FULL, revisions: [`${BEFORE}..HEAD`] },
  { name: 'push creating a branch', system: 'github', env: githubPush, payload: { before: ZEROS, ...mainIsDefault }, refs: FULL, revisions: NOT_ON_OTHERS },
  { name: 'push creating a branch, depth-1 checkout: fetch the default branch', system: 'github', env: githubPush, payload: { before: ZEROS, ...mainIsDefault }, refs: ONE_BRANCH, error: /default branch main is not in this clone/, wanted: { branches: ['main'] } },
  { name: 'first push of the default branch: everything is new', system: 'github', env: { ...githubPush, GITHUB_REF: 'refs/heads/main' }, payload: { before: ZEROS, ...mainIsDefault }, refs: { remoteBranches: ['main'], commits: new Set() }, revisions: ['HEAD'], wanted: { allBranches: true } },
  { name: 'force-push', system: 'github', env: githubPush, payload: { before: GONE, forced: true, ...mainIsDefault }, refs: FULL, revisions: NOT_ON_OTHERS, notice: /previous tip d{40} was force-pushed away/ },
  { name: 'push whose previous tip is not in the clone: try to fetch it', system: 'github', env: githubPush, payload: { before: GONE, ...mainIsDefault }, refs: FULL, revisions: NOT_ON_OTHERS, notice: /d{40} is not in this clone/, wanted: { commit: GONE } },
  { name: 'push with no payload', system: 'github', env: githubPush, refs: FULL, revisions: NOT_ON_OTHERS },
  { name: 'tag push', system: 'github', env: { ...githubPush, GITHUB_REF: 'refs/tags/v1.0.0' }, payload: { ref: 'refs/tags/v1.0.0', before: ZEROS }, refs: FULL, revisions: NOT_ON_ANY },
  { name: 'tag push, depth-1 checkout: fetch the branches', system: 'github', env: { ...githubPush, GITHUB_REF: 'refs/tags/v1.0.0' }, refs: NO_BRANCH, revisions: ['HEAD'], wanted: { allBranches: true } },
  { name: 'release', system: 'github', env: { GITHUB_EVENT_NAME: 'release', GITHUB_REF: 'refs/tags/v1.0.0' }, refs: FULL, revisions: NOT_ON_ANY },
  { name: 'schedule', system: 'github', env: { GITHUB_EVENT_NAME: 'schedule', GITHUB_REF: 'refs/heads/main' }, refs: FULL, revisions: ['HEAD'] },
  { name: 'workflow_dispatch', system: 'github', env: { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_REF: 'refs/heads/feature' }, refs: FULL, revisions: ['HEAD'] },
  // GitLab CI
  { name: 'merge request', system: 'gitlab', env: gitlabMr, refs: FULL, revisions: ['refs/remotes/origin/main..HEAD'] },
  { name: 'merge request, target branch not fetched: the diff base', system: 'gitlab', env: gitlabMr, refs: { remoteBranches: [], commits: new Set([TARGET]) }, revisions: [`${TARGET}..HEAD`] },
  { name: 'external pull request', system: 'gitlab', env: { CI_PIPELINE_SOURCE: 'external_pull_request_event', CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME: 'main' }, refs: FULL, revisions: ['refs/remotes/origin/main..HEAD'] },
  { name: 'push', system: 'gitlab', env: { ...gitlabPush, CI_COMMIT_BEFORE_SHA: BEFORE }, refs: FULL, revisions: [`${BEFORE}..HEAD`] },
  { name: 'push creating a branch', system: 'gitlab', env: { ...gitlabPush, CI_COMMIT_BEFORE_SHA: ZEROS }, refs: FULL, revisions: NOT_ON_OTHERS },
  { name: 'push creating a branch, one-branch clone', system: 'gitlab', env: { ...gitlabPush, CI_COMMIT_BEFORE_SHA: ZEROS }, refs: ONE_BRANCH, error: /default branch main/, wanted: { branches: ['main'] } },
  { name: 'tag', system: 'gitlab', env: { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_TAG: 'v1.0.0', CI_COMMIT_REF_NAME: 'v1.0.0', CI_COMMIT_BEFORE_SHA: ZEROS }, refs: FULL, revisions: NOT_ON_ANY },
  ...['schedule', 'web', 'api', 'trigger'].map((source): Row => ({ name: source, system: 'gitlab', env: { ...gitlabPush, CI_PIPELINE_SOURCE: source, CI_COMMIT_BEFORE_SHA: ZEROS }, refs: FULL, revisions: ['HEAD'] })),
  // Bitbucket Pipelines
  { name: 'pull request', system: 'bitbucket', env: { BITBUCKET_BRANCH: 'feature', BITBUCKET_PR_ID: '7', BITBUCKET_PR_DESTINATION_BRANCH: 'main' }, refs: FULL, revisions: ['refs/remotes/origin/main..HEAD'] },
  { name: 'branch', system: 'bitbucket', env: { BITBUCKET_BRANCH: 'feature' }, refs: FULL, revisions: NOT_ON_OTHERS },
  { name: 'branch, one-branch clone: fetch the branches', system: 'bitbucket', env: { BITBUCKET_BRANCH: 'feature' }, refs: ONE_BRANCH, revisions: ['HEAD'], wanted: { allBranches: true } },
  { name: 'tag', system: 'bitbucket', env: { BITBUCKET_TAG: 'v1.0.0' }, refs: FULL, revisions: NOT_ON_ANY },
  // CircleCI
  { name: 'branch with a pull request', system: 'circleci', env: { CIRCLE_BRANCH: 'feature', CIRCLE_PULL_REQUEST: 'https://github.com/octo-org/octo-repo/pull/7' }, refs: FULL, revisions: NOT_ON_OTHERS },
  { name: 'tag', system: 'circleci', env: { CIRCLE_TAG: 'v1.0.0' }, refs: FULL, revisions: NOT_ON_ANY },
  // Azure Pipelines
  { name: 'pull request', system: 'azure', env: { BUILD_REASON: 'PullRequest', BUILD_SOURCEBRANCH: 'refs/pull/7/merge', SYSTEM_PULLREQUEST_TARGETBRANCH: 'refs/heads/main' }, refs: FULL, revisions: ['refs/remotes/origin/main..HEAD'] },
  { name: 'branch', system: 'azure', env: { BUILD_REASON: 'IndividualCI', BUILD_SOURCEBRANCH: 'refs/heads/feature' }, refs: FULL, revisions: NOT_ON_OTHERS },
  { name: 'branch fetched by commit: that ref is not a branch', system: 'azure', env: { BUILD_REASON: 'BatchedCI', BUILD_SOURCEBRANCH: 'refs/heads/feature' }, refs: { remoteBranches: ['e'.repeat(40)], commits: new Set() }, revisions: ['HEAD'], wanted: { allBranches: true } },
  { name: 'tag', system: 'azure', env: { BUILD_REASON: 'IndividualCI', BUILD_SOURCEBRANCH: 'refs/tags/v1.0.0' }, refs: FULL, revisions: NOT_ON_ANY },
  ...['Schedule', 'Manual'].map((reason): Row => ({ name: reason, system: 'azure', env: { BUILD_REASON: reason, BUILD_SOURCEBRANCH: 'refs/heads/main' }, refs: FULL, revisions: ['HEAD'] })),
  // Jenkins
  { name: 'change request', system: 'jenkins', env: { BRANCH_NAME: 'PR-7', CHANGE_ID: '7', CHANGE_TARGET: 'main' }, refs: FULL, revisions: ['refs/remotes/origin/main..HEAD'] },
  { name: 'tag', system: 'jenkins', env: { BRANCH_NAME: 'v1.0.0', TAG_NAME: 'v1.0.0' }, refs: FULL, revisions: NOT_ON_ANY },
  { name: 'branch since the last successful build', system: 'jenkins', env: { BRANCH_NAME: 'feature', GIT_PREVIOUS_SUCCESSFUL_COMMIT: BEFORE }, refs: FULL, revisions: [`${BEFORE}..HEAD`] },
  { name: 'first build of a branch', system: 'jenkins', env: { GIT_BRANCH: 'origin/feature' }, refs: FULL, revisions: NOT_ON_OTHERS },
  // No CI: the branch HEAD is on
  { name: 'a branch', system: 'none', env: {}, refs: { ...FULL, headBranch: 'feature' }, revisions: NOT_ON_OTHERS },
  { name: 'no remote', system: 'none', env: {}, refs: NO_BRANCH, revisions: ['HEAD'], wanted: { allBranches: true } },
  // Overrides
  { name: 'KEYHOUND_BASE over a pull request', system: 'github', env: { ...githubPr, KEYHOUND_BASE: 'v1.0.0' }, payload: prPayload, refs: FULL, revisions: ['v1.0.0..HEAD'] },
  { name: '--base over KEYHOUND_BASE', system: 'gitlab', env: { ...gitlabMr, KEYHOUND_BASE: 'v1.0.0' }, refs: FULL, base: 'v0.9.0', revisions: ['v0.9.0..HEAD'] },
  { name: '--base that git would read as an option', system: 'none', env: {}, refs: FULL, base: '--output=x', error: /--base: not a revision/ },
];

describe('selectCiRange: every CI system and event', () => {
  it.each(ROWS.map((row) => [`${row.system}: ${row.name}`, row] as const))('%s', (_name, row) => {
    const selection = selectCiRange({ system: row.system, env: row.env, refs: row.refs, ...(row.payload ? { payload: row.payload } : {}), ...(row.base ? { base: row.base } : {}) });
    if (row.error) {
      expect(selection).toMatchObject({ error: expect.stringMatching(row.error) });
    } else {
      expect('error' in selection ? selection.error : selection.revisions).toEqual(row.revisions);
      expect('notice' in selection ? selection.notice : undefined).toEqual(row.notice ? expect.stringMatching(row.notice) : undefined);
    }
    expect(selection.wanted).toEqual(row.wanted);
  });

  it('has rows for every system', () => {
    const systems: CiSystem[] = ['github', 'gitlab', 'bitbucket', 'circleci', 'azure', 'jenkins', 'none'];
    expect(new Set(ROWS.map((row) => row.system))).toEqual(new Set(systems));
  });

  it('tells the systems apart by the variables they set', () => {
    expect(detectCiSystem({ GITHUB_ACTIONS: 'true', CI: 'true' })).toBe('github');
    expect(detectCiSystem({ GITLAB_CI: 'true', CI: 'true' })).toBe('gitlab');
    expect(detectCiSystem({ BITBUCKET_BUILD_NUMBER: '12', CI: 'true' })).toBe('bitbucket');
    expect(detectCiSystem({ CIRCLECI: 'true', CI: 'true' })).toBe('circleci');
    expect(detectCiSystem({ TF_BUILD: 'True' })).toBe('azure');
    expect(detectCiSystem({ JENKINS_URL: 'https://ci.test.invalid/' })).toBe('jenkins');
    expect(detectCiSystem({ CI: 'true' })).toBe('none');
  });
});
