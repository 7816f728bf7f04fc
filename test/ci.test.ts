/**
 * `keyhound ci` on every CI event. The range is a pure function of the CI system, its
 * variables and payload, and the refs the clone has: one table covers every system and
 * event. Then end to end: clones made the way each CI system makes them (depth and
 * refspecs included) from a local bare "remote", real GitHub payload files, and the
 * README's own recipes, read from the README and run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { detectCiSystem, type CiSystem, type GithubPayload } from '../src/scan/ci-events.js';
import { selectCiRange, type RepoRefs, type Wanted } from '../src/scan/ci-range.js';
import { gitIn, initRepo, tempDir, writeTree, type RunResult } from './helpers/cli.js';
import { readmeAndDocs } from './helpers/docs.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

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

// ---------------------------------------------------------------------------------
// End to end

/** Every variable by which keyhound (or these tests) could see a CI system: cleared, so the host's own CI does not leak in. */
const NO_CI: NodeJS.ProcessEnv = Object.fromEntries(
  Object.keys(process.env)
    .filter((name) => /^(CI|CI_.*|GITHUB_.*|GITLAB_.*|BITBUCKET_.*|CIRCLE.*|TF_BUILD|BUILD_.*|SYSTEM_.*|JENKINS_.*|CHANGE_.*|TAG_NAME|BRANCH_NAME|GIT_(BRANCH|COMMIT|PREVIOUS_.*)|KEYHOUND_.*)$/.test(name))
    .map((name) => [name, undefined]),
);

/**
 * The remote every job clones. main: an old leak (old.txt), then clean commits; feature
 * (from main's third commit): two leaking commits; long: 60 commits whose first leaks,
 * and fix, one more on top;
 * v1.0.0: a release commit only the tag has; refs/pull/1/merge and refs/pull/2/merge:
 * feature merged into main, and into long.
 */
interface World {
  url: string;
  remote: string;
  commit: Record<'feature1' | 'feature2' | 'long' | 'fix' | 'main' | 'release' | 'merge' | 'mergeIntoLong' | 'neverPushed', string>;
}

function buildWorld(): World {
  const src = tempDir('keyhound-ci-src-');
  initRepo(src);
  const leak = (seed: number): string => `GITHUB_TOKEN=${fakeKeys(seed).github}\n`;
  const head = (): string => gitIn(src, ['rev-parse', 'HEAD']).trim();
  const commit = (files: Record<string, string>, message: string): string => {
    writeTree(src, files);
    gitIn(src, ['add', '-A']);
    gitIn(src, ['commit', '-q', '--no-verify', '-m', message]);
    return head();
  };
  commit({ 'old.txt': leak(41) }, 'an old leak on main');
  commit({ 'README.md': 'hello\n' }, 'readme');
  const fork = commit({ 'app.txt': 'v1\n' }, 'app v1');
  gitIn(src, ['checkout', '-q', '-b', 'feature']);
  const feature1 = commit({ 'feature.txt': leak(42) }, 'feature one');
  const feature2 = commit({ 'feature2.txt': leak(43) }, 'feature two');
  gitIn(src, ['checkout', '-q', '-b', 'long', fork]);
  commit({ 'long-first.txt': leak(44) }, 'long 1');
  for (let n = 2; n <= 60; n += 1) gitIn(src, ['commit', '-q', '--no-verify', '--allow-empty', '-m', `long ${n}`]);
  const long = head();
  gitIn(src, ['checkout', '-q', '-b', 'fix']);
  const fix = commit({ 'fix.txt': leak(46) }, 'a fix on long');
  gitIn(src, ['checkout', '-q', '-b', 'unpushed', feature1]);
  const neverPushed = commit({ 'unpushed.txt': 'x\n' }, 'rewritten away before anyone fetched it');
  gitIn(src, ['checkout', '-q', 'main']);
  const main = commit({ 'app.txt': 'v2\n' }, 'app v2');
  gitIn(src, ['checkout', '-q', '--detach']);
  const release = commit({ 'release.txt': leak(45) }, 'release');
  gitIn(src, ['tag', 'v1.0.0']);
  gitIn(src, ['checkout', '-q', '--detach', 'main']);
  gitIn(src, ['merge', '-q', '--no-ff', '-m', 'Merge feature into main', 'feature']);
  const merge = head();
  gitIn(src, ['checkout', '-q', '--detach', 'long']);
  gitIn(src, ['merge', '-q', '--no-ff', '-m', 'Merge feature into long', 'feature']);
  const mergeIntoLong = head();
  const remote = tempDir('keyhound-ci-remote-');
  gitIn(remote, ['init', '-q', '--bare', '-b', 'main']);
  gitIn(src, ['push', '-q', remote, 'main', 'feature', 'long', 'fix', 'v1.0.0', `${merge}:refs/pull/1/merge`, `${feature2}:refs/pull/1/head`, `${mergeIntoLong}:refs/pull/2/merge`]);
  return { url: `file://${remote}`, remote, commit: { feature1, feature2, long, fix, main, release, merge, mergeIntoLong, neverPushed } };
}

let world: World;
beforeAll(() => {
  world = buildWorld();
});

/** A new job's empty repository with origin set, where every runner starts. */
function jobRepo(): string {
  const dir = tempDir('keyhound-ci-job-');
  gitIn(dir, ['init', '-q']);
  gitIn(dir, ['remote', 'add', 'origin', world.url]);
  return dir;
}

interface Report {
  findings: Array<{ file: string }>;
  stats: { commits: number };
}

/** How every recipe runs keyhound: from its git repository, which needs no build. */
const KEYHOUND_CI = 'npx --yes git+https://github.com/keyhound/keyhound.git ci';

/** The arguments a recipe's command gives `keyhound ci`. */
function ciArgs(command: string): string[] {
  expect(`${command} `.startsWith(`${KEYHOUND_CI} `)).toBe(true);
  return command.slice(KEYHOUND_CI.length).split(/\s+/).filter(Boolean);
}

/** The recipe's arguments less its report options: these tests read a JSON report. */
function recipeArgs(command: string): string[] {
  const args = ciArgs(command);
  return args.filter((arg, i) => !/^(-f|--format|-o|--output)$/.test(arg) && !/^(-f|--format|-o|--output)$/.test(args[i - 1] ?? ''));
}

/** Runs the recipe's keyhound command in the job's clone, with the variables the CI sets. */
async function runJob(command: string, dir: string, env: Record<string, string>): Promise<RunResult & { files: string[]; commits: number }> {
  const result = await run(['ci', ...recipeArgs(command), '--format', 'json'], { cwd: dir, env: { ...NO_CI, CI: 'true', ...env } });
  const report = result.code === 2 ? { findings: [], stats: { commits: 0 } } : (JSON.parse(result.stdout) as Report);
  return { ...result, files: report.findings.map((finding) => finding.file).sort(), commits: report.stats.commits };
}

/** The error line of a failed run: exactly one, with no stack trace. */
function errorLine(result: RunResult): string {
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('keyhound: '));
  expect(lines).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

const README = readmeAndDocs();

/** The README's recipe for a CI file: the code block after the line that names it. */
function recipe(file: string): string {
  const at = README.indexOf(`(\`${file}\``);
  expect(at, `README recipe for ${file}`).toBeGreaterThan(-1);
  return /```\w*\n([\s\S]*?)```/.exec(README.slice(at))![1]!;
}

const FEATURE = ['feature.txt', 'feature2.txt'];

describe('GitHub Actions: the README workflow, with actions/checkout', () => {
  interface Step { uses?: string; run?: string; with?: Record<string, string | number> }
  const workflow = parseYaml(recipe('.github/workflows/secrets.yml')) as { on: Record<string, unknown>; jobs: { keyhound: { steps: Step[] } } };
  const steps = workflow.jobs.keyhound.steps;
  const checkout = steps.find((step) => step.uses?.startsWith('actions/checkout@'));
  const depth = Number(checkout?.with?.['fetch-depth'] ?? 1);
  const action = steps.find((step) => step.uses?.startsWith('keyhound/keyhound@'));

  it('runs this repository\'s action: `keyhound ci` and the step\'s args (test/action.test.ts runs it as the runner does)', () => {
    expect(checkout).toBeDefined();
    expect(action).toBeDefined();
    const actionYml = parseYaml(readFileSync(resolve(import.meta.dirname, '../action.yml'), 'utf8')) as { runs: Record<string, string> };
    expect(actionYml.runs).toEqual({ using: 'node20', main: 'bin/action.js' });
  });

  it('has a scenario below for every event the workflow runs on', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push', 'schedule']);
  });

  /** What the action runs: `keyhound ci` and the step's args. */
  const command = `${KEYHOUND_CI} ${action?.with?.args ?? ''}`.trim();

  /** A clone as actions/checkout v4 makes it: fetch-depth 0 fetches every branch and tag; otherwise the one commit, into the ref the event names. */
  function actionsCheckout(ref: string, sha: string, fetchDepth = depth): string {
    const dir = jobRepo();
    const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
    const into = branch ? `refs/remotes/origin/${branch}` : ref.startsWith('refs/pull/') ? `refs/remotes/pull/${ref.slice('refs/pull/'.length)}` : ref;
    const fetch = ['-c', 'protocol.version=2', 'fetch', '-q', '--prune', '--no-recurse-submodules'];
    if (fetchDepth === 0) gitIn(dir, [...fetch, 'origin', '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*']);
    if (fetchDepth > 0 || !branch) gitIn(dir, [...fetch, '--no-tags', ...(fetchDepth > 0 ? [`--depth=${fetchDepth}`] : []), 'origin', `+${sha}:${into}`]);
    gitIn(dir, ['checkout', '-q', '--force', ...(branch ? ['-B', branch] : []), into]);
    return dir;
  }

  /** The event payload file, from the fixture with this scenario's values. */
  function payload(name: string, values: Record<string, string>): string {
    let text = readFileSync(resolve(import.meta.dirname, `fixtures/ci/github/${name}.json`), 'utf8');
    for (const [key, value] of Object.entries(values)) text = text.replaceAll(`{{${key}}}`, value);
    const file = join(tempDir('keyhound-ci-event-'), 'event.json');
    writeFileSync(file, text);
    return file;
  }

  function githubEnv(event: string, eventPath: string, ref: string, sha: string, pr?: { base: string; head: string }): Record<string, string> {
    return {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REF: ref,
      GITHUB_REF_NAME: ref.replace(/^refs\/(heads|tags)\//, ''),
      GITHUB_SHA: sha,
      GITHUB_BASE_REF: pr?.base ?? '',
      GITHUB_HEAD_REF: pr?.head ?? '',
    };
  }

  interface GithubJob {
    event: string;
    ref: string;
    sha: string;
    /** The payload fixture, and the values for its {{placeholders}} (`after` is the job's commit). */
    payload: string;
    values?: Record<string, string>;
    pr?: { base: string; head: string };
    fetchDepth?: number;
    /** Runs on the clone before keyhound does. */
    prepare?: (dir: string) => void;
  }

  /** A job as GitHub runs it: actions/checkout's clone, the event's payload file, the runner's variables, the workflow's command. */
  async function githubJob(job: GithubJob) {
    const dir = actionsCheckout(job.ref, job.sha, job.fetchDepth);
    job.prepare?.(dir);
    const eventPath = payload(job.payload, { after: job.sha, ...job.values });
    return runJob(command, dir, githubEnv(job.event, eventPath, job.ref, job.sha, job.pr));
  }

  const pushFeature = (): Pick<GithubJob, 'event' | 'ref' | 'sha'> => ({ event: 'push', ref: 'refs/heads/feature', sha: world.commit.feature2 });
  const pullRequest = (number: number, base: string, merge: string, baseTip: string): GithubJob => ({
    event: 'pull_request', ref: `refs/pull/${number}/merge`, sha: merge, payload: 'pull_request', pr: { base, head: 'feature' },
    values: { head_ref: 'feature', head_sha: world.commit.feature2, head_before: world.commit.feature1, base_ref: base, base_sha: baseTip, merge_sha: merge },
  });

  it('push creating a branch: the branch\'s commits, not main\'s (depth 1: fetches main, deepens)', async () => {
    const result = await githubJob({ ...pushFeature(), payload: 'push-new-branch', values: { branch: 'feature' } });
    expect(result.code).toBe(1);
    expect(result.files).toEqual(FEATURE);
    expect(result.stderr).toMatch(/keyhound ci: fetching main from origin/);
    expect(result.stderr).toMatch(/keyhound ci: scanning HEAD \^refs\/remotes\/origin\/main \(GitHub push on feature: the commits on no other remote branch\)/);
  });

  it('push creating a branch with fetch-depth: 0: no fetch at all', async () => {
    const result = await githubJob({ ...pushFeature(), payload: 'push-new-branch', values: { branch: 'feature' }, fetchDepth: 0 });
    expect(result.files).toEqual(FEATURE);
    expect(result.stderr).not.toMatch(/fetching|deepening/);
    expect(result.stderr).toMatch(/scanning HEAD \^refs\/remotes\/origin\/fix \^refs\/remotes\/origin\/long \^refs\/remotes\/origin\/main /);
  });

  it('push to an existing branch: the commits since `before` (depth 1: fetches it, deepens)', async () => {
    const result = await githubJob({ ...pushFeature(), payload: 'push', values: { branch: 'feature', before: world.commit.feature1 } });
    expect(result.files).toEqual(['feature2.txt']);
    expect(result.commits).toBe(1);
    expect(result.stderr).not.toMatch(/fetching main/);
    expect(result.stderr).toContain(`scanning ${world.commit.feature1}..HEAD`);
  });

  it('force-push whose `before` is not in the clone: as a new branch, with a notice', async () => {
    const result = await githubJob({ ...pushFeature(), payload: 'push-forced', values: { branch: 'feature', before: world.commit.neverPushed } });
    expect(result.files).toEqual(FEATURE);
    expect(result.stderr).toContain(`keyhound ci: the previous tip ${world.commit.neverPushed} was force-pushed away, so this scans as for a new branch`);
  });

  it('tag push: the tag\'s commits on no branch', async () => {
    const result = await githubJob({ event: 'push', ref: 'refs/tags/v1.0.0', sha: world.commit.release, payload: 'push-tag', values: { tag: 'v1.0.0' } });
    expect(result.files).toEqual(['release.txt']);
    expect(result.commits).toBe(1);
    expect(result.stderr).toMatch(/fetching all branches from origin/);
  });

  it('pull_request: the pull request\'s commits, from its merge commit (depth 1)', async () => {
    const result = await githubJob(pullRequest(1, 'main', world.commit.merge, world.commit.main));
    expect(result.code).toBe(1);
    expect(result.files).toEqual(FEATURE);
    expect(result.stderr).toContain('scanning refs/remotes/origin/main..HEAD (GitHub pull_request into main: the commits not on main)');
  });

  it('pull_request into a branch 60 commits past the fork: deepens until that branch reaches the fork', async () => {
    const result = await githubJob(pullRequest(2, 'long', world.commit.mergeIntoLong, world.commit.long));
    // After 50 commits the pull request's side reaches the root while long's does not yet reach the fork: main's old commits are not the pull request's.
    expect(result.files).toEqual(FEATURE);
    expect(result.stderr).toMatch(/deepening by 50 commits[\s\S]*deepening by 100 commits/);
  });

  it('schedule: the whole history (depth 1: deepened to the root)', async () => {
    const result = await githubJob({ event: 'schedule', ref: 'refs/heads/main', sha: world.commit.main, payload: 'schedule' });
    expect(result.files).toEqual(['old.txt']);
    expect(result.commits).toBe(4);
    expect(result.stderr).toMatch(/scanning HEAD \(GitHub schedule: the whole history of HEAD\)/);
  });

  it('workflow_dispatch: the whole history of the chosen branch', async () => {
    const result = await githubJob({ ...pushFeature(), event: 'workflow_dispatch', payload: 'workflow_dispatch', values: { branch: 'feature' } });
    expect(result.files).toEqual(['feature.txt', 'feature2.txt', 'old.txt']);
  });

  it('a new branch 60 commits long: deepens in rounds until the range is whole', async () => {
    const result = await githubJob({ event: 'push', ref: 'refs/heads/long', sha: world.commit.long, payload: 'push-new-branch', values: { branch: 'long' } });
    expect(result.files).toEqual(['long-first.txt']);
    expect(result.commits).toBe(60);
    expect(result.stderr).toMatch(/deepening by 50 commits[\s\S]*deepening by 100 commits/);
  });

  it('a shallow clone origin will not deepen: exit 2, one line naming the fix', async () => {
    const result = await githubJob({
      ...pushFeature(), payload: 'push-new-branch', values: { branch: 'feature' },
      prepare: (dir) => {
        gitIn(dir, ['fetch', '-q', '--depth=1', 'origin', '+refs/heads/main:refs/remotes/origin/main']);
        gitIn(dir, ['remote', 'set-url', 'origin', `${world.url}-gone`]);
      },
    });
    expect(result.code).toBe(2);
    expect(errorLine(result)).toMatch(/^keyhound: shallow clone: the history of HEAD \^refs\/remotes\/origin\/main is cut short and origin could not deepen it \(.+\); fetch the whole history: `fetch-depth: 0` on actions\/checkout$/);
  });

  it('a shallow clone whose origin cannot be reached for the branch it needs: exit 2, one line naming the fix', async () => {
    const result = await githubJob({
      ...pushFeature(), payload: 'push-new-branch', values: { branch: 'feature' },
      prepare: (dir) => gitIn(dir, ['remote', 'set-url', 'origin', `${world.url}-gone`]),
    });
    expect(result.code).toBe(2);
    expect(errorLine(result)).toMatch(/^keyhound: cannot fetch main from origin \(fatal: .+\); fetch the whole history: `fetch-depth: 0` on actions\/checkout, or name the base with KEYHOUND_BASE$/);
  });

  it('an unreadable or malformed event payload: exit 2, one line naming it', async () => {
    const dir = actionsCheckout('refs/heads/feature', world.commit.feature2);
    const missing = join(tempDir(), 'event.json');
    const result = await runJob(command, dir, githubEnv('push', missing, 'refs/heads/feature', world.commit.feature2));
    expect(result.code).toBe(2);
    expect(errorLine(result)).toBe(`keyhound: cannot read GitHub event payload (GITHUB_EVENT_PATH) ${missing} (ENOENT)`);
    writeFileSync(missing, 'null');
    const notAnObject = await runJob(command, dir, githubEnv('push', missing, 'refs/heads/feature', world.commit.feature2));
    expect(errorLine(notAnObject)).toBe(`keyhound: GitHub event payload (GITHUB_EVENT_PATH) ${missing}: not a JSON object`);
  });
});

describe('GitLab CI: the README job, as the runner clones', () => {
  interface GitlabCi {
    workflow: { rules: Array<Record<string, string>> };
    keyhound: { script: string[]; variables?: Record<string, string | number>; rules?: unknown; artifacts: { reports: { secret_detection: string } } };
  }
  const config = parseYaml(recipe('.gitlab-ci.yml')) as GitlabCi;
  const job = config.keyhound;
  const command = job.script.find((line) => line.includes('keyhound'))!;
  /** GitLab's default GIT_DEPTH for new projects is 20. */
  const depth = Number(job.variables?.GIT_DEPTH ?? 20);
  let pipeline = 0;

  /** A clone as the GitLab runner makes it: the pipeline's ref and the branch (or tag), shallow, HEAD detached at the commit. */
  function runnerCheckout(sha: string, refspecs: string[]): string {
    pipeline += 1;
    gitIn(world.remote, ['update-ref', `refs/pipelines/${pipeline}`, sha]);
    const dir = jobRepo();
    gitIn(dir, ['fetch', '-q', '--prune', ...(depth > 0 ? [`--depth=${depth}`] : []), 'origin', `+refs/pipelines/${pipeline}:refs/pipelines/${pipeline}`, ...refspecs]);
    gitIn(dir, ['checkout', '-f', '-q', sha]);
    return dir;
  }
  /** A pipeline as GitLab runs it: the runner's clone, the variables it sets, the job's command. */
  async function gitlabJob(source: string, sha: string, refspecs: string[], variables: Record<string, string>) {
    const dir = runnerCheckout(sha, refspecs);
    const env = { GITLAB_CI: 'true', CI_PIPELINE_SOURCE: source, CI_COMMIT_SHA: sha, CI_DEFAULT_BRANCH: 'main', CI_COMMIT_BEFORE_SHA: ZEROS, ...variables };
    return { dir, ...(await runJob(command, dir, env)) };
  }
  const branchPush = (branch: string, sha: string, variables: Record<string, string> = {}) =>
    gitlabJob('push', sha, [`+refs/heads/${branch}:refs/remotes/origin/${branch}`], { CI_COMMIT_BRANCH: branch, CI_COMMIT_REF_NAME: branch, ...variables });

  it('runs one pipeline per change (GitLab\'s pattern: no branch pipeline beside a merge request\'s) and keeps the secret-detection report', () => {
    expect(config.workflow.rules).toEqual([
      { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
      { if: '$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS', when: 'never' },
      { if: '$CI_COMMIT_BRANCH' },
      { if: '$CI_COMMIT_TAG' },
    ]);
    expect(job.rules).toBeUndefined();
    expect(command).toBe(`${KEYHOUND_CI} --format gitlab -o gl-secret-detection-report.json`);
    expect(job.artifacts).toEqual({ reports: { secret_detection: 'gl-secret-detection-report.json' } });
  });

  it('merge request: writes the report the artifact names, with the findings of the commits past the diff base', async () => {
    const dir = runnerCheckout(world.commit.feature2, []);
    const env = {
      GITLAB_CI: 'true', CI_PIPELINE_SOURCE: 'merge_request_event', CI_COMMIT_SHA: world.commit.feature2, CI_MERGE_REQUEST_IID: '1', CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: gitIn(world.remote, ['merge-base', 'main', 'feature']).trim(),
    };
    // The report's path is relative to the job's directory.
    const result = await run(['ci', ...ciArgs(command)], { cwd: dir, env: { ...NO_CI, CI: 'true', ...env } });
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, job.artifacts.reports.secret_detection), 'utf8')) as { scan: { type: string }; vulnerabilities: Array<{ location: { file: string } }> };
    expect(report.scan.type).toBe('secret_detection');
    expect(report.vulnerabilities.map((vulnerability) => vulnerability.location.file).sort()).toEqual(FEATURE);
  });

  it('merge request: the commits past the diff base', async () => {
    const result = await gitlabJob('merge_request_event', world.commit.feature2, [], {
      CI_MERGE_REQUEST_IID: '1', CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: gitIn(world.remote, ['merge-base', 'main', 'feature']).trim(), CI_COMMIT_REF_NAME: 'feature',
    });
    expect(result.files).toEqual(FEATURE);
    expect(result.stderr).toMatch(/GitLab merge_request_event pipeline into main: the commits since its target commit/);
  });

  it('push creating a 60-commit branch: fetches the default branch, deepens past GIT_DEPTH', async () => {
    const result = await branchPush('long', world.commit.long);
    expect(result.files).toEqual(['long-first.txt']);
    expect(result.commits).toBe(60);
    expect(result.stderr).toMatch(/fetching main from origin[\s\S]*deepening by 50 commits/);
  });

  it('push creating a branch off the default branch\'s tip, which the clone has: its history stays whole', async () => {
    const result = await branchPush('fix', world.commit.fix, { CI_DEFAULT_BRANCH: 'long' });
    expect(result.files).toEqual(['fix.txt']);
    expect(result.stderr).not.toMatch(/deepening/);
    // Fetched with --depth=1, the tip already here would have been marked shallow, cutting the job's history under it.
    expect(gitIn(result.dir, ['rev-list', '--count', 'HEAD']).trim()).toBe(String(depth));
  });

  it('push to an existing branch: the commits since CI_COMMIT_BEFORE_SHA', async () => {
    const result = await branchPush('feature', world.commit.feature2, { CI_COMMIT_BEFORE_SHA: world.commit.feature1 });
    expect(result.files).toEqual(['feature2.txt']);
  });

  it('push whose previous tip origin no longer has: as a new branch, with a notice', async () => {
    const result = await branchPush('feature', world.commit.feature2, { CI_COMMIT_BEFORE_SHA: world.commit.neverPushed });
    expect(result.files).toEqual(FEATURE);
    expect(result.stderr).toContain(`the previous tip ${world.commit.neverPushed} is not in this clone (a force-push?)`);
  });

  it('tag pipeline: the tag\'s commits on no branch', async () => {
    const result = await gitlabJob('push', world.commit.release, ['+refs/tags/v1.0.0:refs/tags/v1.0.0'], { CI_COMMIT_TAG: 'v1.0.0', CI_COMMIT_REF_NAME: 'v1.0.0' });
    expect(result.files).toEqual(['release.txt']);
  });

  it('scheduled pipeline: the whole history', async () => {
    const result = await gitlabJob('schedule', world.commit.main, ['+refs/heads/main:refs/remotes/origin/main'], { CI_COMMIT_BRANCH: 'main', CI_COMMIT_REF_NAME: 'main' });
    expect(result.files).toEqual(['old.txt']);
    expect(result.commits).toBe(4);
  });
});

describe('Bitbucket Pipelines: the README pipeline, as Bitbucket clones', () => {
  const config = parseYaml(recipe('bitbucket-pipelines.yml')) as { clone?: { depth?: number | 'full' }; pipelines: Record<string, unknown> };
  const step = (config.pipelines.default as Array<{ step: { script: string[] } }>)[0]!.step;
  const command = step.script.find((line) => line.includes('keyhound'))!;
  /** Bitbucket clones 50 commits of the one branch unless `clone: depth` says otherwise. */
  const depth = config.clone?.depth ?? 50;

  function bitbucketClone(branch: string, sha: string): string {
    const dir = join(tempDir('keyhound-ci-job-'), 'build');
    gitIn(resolve(dir, '..'), ['clone', '-q', `--branch=${branch}`, ...(depth === 'full' ? [] : [`--depth=${depth}`]), world.url, dir]);
    gitIn(dir, ['reset', '-q', '--hard', sha]);
    return dir;
  }

  it('branch pipeline: fetches the other branches, scans the commits none has', async () => {
    const sha = world.commit.feature2;
    const result = await runJob(command, bitbucketClone('feature', sha), { BITBUCKET_BUILD_NUMBER: '12', BITBUCKET_BRANCH: 'feature', BITBUCKET_COMMIT: sha });
    expect(result.files).toEqual(FEATURE);
    expect(result.stderr).toMatch(/fetching all branches from origin/);
  });

  it('pull request pipeline: the commits not on the destination branch', async () => {
    const sha = world.commit.feature2;
    const result = await runJob(command, bitbucketClone('feature', sha), { BITBUCKET_BUILD_NUMBER: '13', BITBUCKET_BRANCH: 'feature', BITBUCKET_COMMIT: sha, BITBUCKET_PR_ID: '1', BITBUCKET_PR_DESTINATION_BRANCH: 'main' });
    expect(result.files).toEqual(FEATURE);
    expect(result.stderr).toContain('scanning refs/remotes/origin/main..HEAD');
  });
});

describe('CircleCI: the README config, with its checkout step', () => {
  const config = parseYaml(recipe('.circleci/config.yml')) as { jobs: { keyhound: { steps: Array<string | { run?: string }> } } };
  const command = config.jobs.keyhound.steps.flatMap((step) => (typeof step === 'object' && step.run ? [step.run] : []))[0]!;

  /** CircleCI's checkout: a full clone, then the branch or tag at the commit. */
  function circleCheckout(sha: string, branch?: string): string {
    const dir = join(tempDir('keyhound-ci-job-'), 'project');
    gitIn(resolve(dir, '..'), ['clone', '-q', '--no-checkout', world.url, dir]);
    gitIn(dir, ['checkout', '-q', '--force', ...(branch ? ['-B', branch] : []), sha]);
    return dir;
  }

  it('branch build of a pull request: the commits on no other branch', async () => {
    const sha = world.commit.feature2;
    const result = await runJob(command, circleCheckout(sha, 'feature'), { CIRCLECI: 'true', CIRCLE_BRANCH: 'feature', CIRCLE_SHA1: sha, CIRCLE_PULL_REQUEST: 'https://github.com/octo-org/octo-repo/pull/1' });
    expect(result.files).toEqual(FEATURE);
    expect(result.stderr).not.toMatch(/fetching/);
  });

  it('tag build: the tag\'s commits on no branch', async () => {
    const sha = world.commit.release;
    const result = await runJob(command, circleCheckout(sha), { CIRCLECI: 'true', CIRCLE_TAG: 'v1.0.0', CIRCLE_SHA1: sha });
    expect(result.files).toEqual(['release.txt']);
  });
});

describe('Azure Pipelines: the README pipeline, with its checkout step', () => {
  const config = parseYaml(recipe('azure-pipelines.yml')) as { steps: Array<{ checkout?: string; fetchDepth?: number; script?: string }> };
  const command = config.steps.find((step) => step.script)!.script!;
  /** Pipelines created since September 2022 fetch one commit unless `fetchDepth` says otherwise. */
  const depth = config.steps.find((step) => step.checkout)?.fetchDepth ?? 1;

  /** The agent's shallow fetch by commit, into refs/remotes/origin/<commit>, then a detached checkout. */
  function azureCheckout(sha: string): string {
    const dir = jobRepo();
    const into = `refs/remotes/origin/${sha}`;
    gitIn(dir, ['fetch', '-q', '--force', '--tags', '--prune', '--prune-tags', '--no-recurse-submodules', 'origin', ...(depth > 0 ? [`--depth=${depth}`] : []), `+${sha}:${into}`]);
    gitIn(dir, ['checkout', '-q', '--force', into]);
    return dir;
  }

  it('pull request build: fetches the target branch, deepens the merge commit', async () => {
    const sha = world.commit.merge;
    const result = await runJob(command, azureCheckout(sha), { TF_BUILD: 'True', BUILD_REASON: 'PullRequest', BUILD_SOURCEBRANCH: 'refs/pull/1/merge', BUILD_SOURCEVERSION: sha, SYSTEM_PULLREQUEST_TARGETBRANCH: 'refs/heads/main', SYSTEM_PULLREQUEST_SOURCEBRANCH: 'refs/heads/feature' });
    expect(result.files).toEqual(FEATURE);
  });

  it('branch build: the commit-named ref is not a branch; the commits on no other branch', async () => {
    const sha = world.commit.feature2;
    const result = await runJob(command, azureCheckout(sha), { TF_BUILD: 'True', BUILD_REASON: 'IndividualCI', BUILD_SOURCEBRANCH: 'refs/heads/feature', BUILD_SOURCEVERSION: sha });
    expect(result.files).toEqual(FEATURE);
    expect(result.stderr).toMatch(/scanning HEAD \^refs\/remotes\/origin\/fix \^refs\/remotes\/origin\/long \^refs\/remotes\/origin\/main /);
  });
});

describe('Jenkins: the README Jenkinsfile, in a multibranch job', () => {
  const command = /sh '([^']+)'/.exec(recipe('Jenkinsfile'))![1]!;

  /** The Git plugin in a multibranch job: the whole history of the one branch, HEAD detached at the commit. */
  function jenkinsCheckout(branch: string, sha: string): string {
    const dir = jobRepo();
    gitIn(dir, ['fetch', '-q', '--no-tags', '--force', 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
    gitIn(dir, ['checkout', '-q', '-f', sha]);
    return dir;
  }
  const jenkinsEnv = (sha: string, variables: Record<string, string>): Record<string, string> => ({
    JENKINS_URL: 'https://jenkins.test.invalid/', BRANCH_NAME: 'feature', GIT_BRANCH: 'feature', GIT_COMMIT: sha, ...variables,
  });

  it('since the last successful build', async () => {
    const sha = world.commit.feature2;
    const result = await runJob(command, jenkinsCheckout('feature', sha), jenkinsEnv(sha, { GIT_PREVIOUS_SUCCESSFUL_COMMIT: world.commit.feature1 }));
    expect(result.files).toEqual(['feature2.txt']);
  });

  it('first build of a branch: fetches the other branches', async () => {
    const sha = world.commit.feature2;
    const result = await runJob(command, jenkinsCheckout('feature', sha), jenkinsEnv(sha, {}));
    expect(result.files).toEqual(FEATURE);
  });

  it('first build, and origin refuses the fetch: exit 2, one line', async () => {
    const sha = world.commit.feature2;
    const dir = jenkinsCheckout('feature', sha);
    gitIn(dir, ['remote', 'set-url', 'origin', `${world.url}-gone`]);
    const result = await runJob(command, dir, jenkinsEnv(sha, {}));
    expect(result.code).toBe(2);
    expect(errorLine(result)).toMatch(/^keyhound: cannot fetch all branches from origin \(fatal: .+\); fetch it before keyhound ci, or name the base with KEYHOUND_BASE$/);
  });
});

describe('keyhound ci run by hand', () => {
  it('scans the branch\'s commits on no other remote branch, and fetches nothing', async () => {
    const dir = join(tempDir('keyhound-ci-local-'), 'clone');
    gitIn(resolve(dir, '..'), ['clone', '-q', '--branch', 'feature', world.url, dir]);
    gitIn(dir, ['remote', 'set-url', 'origin', `${world.url}-gone`]);
    const result = await runJob(KEYHOUND_CI, dir, {});
    expect(result.files).toEqual(FEATURE);
    expect(result.stderr).toMatch(/keyhound ci: scanning HEAD \^refs\/remotes\/origin\/fix \^refs\/remotes\/origin\/long \^refs\/remotes\/origin\/main \(no CI detected on feature: the commits on no other remote branch\)/);
  });

  it('in a shallow clone whose range is cut: exit 2, naming git fetch --unshallow', async () => {
    const dir = join(tempDir('keyhound-ci-local-'), 'clone');
    gitIn(resolve(dir, '..'), ['clone', '-q', '--depth=1', '--no-single-branch', '--branch', 'feature', world.url, dir]);
    const result = await runJob(KEYHOUND_CI, dir, {});
    expect(result.code).toBe(2);
    expect(errorLine(result)).toMatch(/^keyhound: shallow clone: the history of .* is cut short; fetch the whole history: `git fetch --unshallow`$/);
  });
});
