/**
 * Which commits a CI job scans: the event a CI system describes (ci-events.ts) resolved
 * against the refs and commits this clone has. Pure: it names only refs and commits
 * that exist, and says what a fetch could add (`wanted`) so its caller can fetch that
 * and ask again.
 */
import { COMMIT_ID, readCiEvent, type CiEvent, type CiSystem, type GithubPayload } from './ci-events.js';

const ZERO_SHA = /^0+$/;

/** What a CI job's clone has, as far as choosing a range goes. */
export interface RepoRefs {
  /** Branch names under refs/remotes/origin/ (HEAD left out). */
  remoteBranches: readonly string[];
  /** Of the commits the event names (a push's previous tip, a target commit), those this clone has. */
  commits: ReadonlySet<string>;
  /** The branch HEAD is on, if any: the current branch when no CI variable names it. */
  headBranch?: string;
}

/** What a fetch from origin could add to make the choice possible, or better. */
export interface Wanted {
  branches?: string[];
  allBranches?: boolean;
  commit?: string;
}

export interface CiRange {
  /** Revisions for git rev-list: `A..B`, `X`, `^X`. */
  revisions: string[];
  /** Which event chose them and what they mean, for the job's log. */
  description: string;
  /** Said when the range falls back from what the event asked for. */
  notice?: string;
  wanted?: Wanted;
}

export interface CiFailure {
  error: string;
  wanted?: Wanted;
}

export type CiSelection = CiRange | CiFailure;

export interface CiInput {
  system: CiSystem;
  env: Readonly<Record<string, string | undefined>>;
  /** GitHub's event payload. */
  payload?: GithubPayload;
  refs: RepoRefs;
  /** The --base option. */
  base?: string;
}

/** The range for a CI job: a pure function of the CI system, its variables and payload, and the refs that exist. */
export function selectCiRange(input: CiInput): CiSelection {
  return resolveCiEvent(readCiEvent(input.system, input.env, input.payload, input.base), input.refs);
}

export function resolveCiEvent(event: CiEvent, refs: RepoRefs): CiSelection {
  switch (event.kind) {
    case 'base':
      // A ref never starts with a dash: refuse what git would read as an option.
      if (event.base.startsWith('-')) return { error: `${event.label}: not a revision: ${event.base}` };
      return { revisions: [`${event.base}..HEAD`], description: event.label };
    case 'history':
      return { revisions: ['HEAD'], description: `${event.label}: the whole history of HEAD` };
    case 'pull-request':
      return pullRequestRange(event, refs);
    case 'push':
      return pushRange(event, refs);
    case 'new-branch':
      return newBranchRange(event, refs);
    case 'tag':
      return notOnBranches(branchesOf(refs), `${event.label}: the tag's commits on no remote branch`, event.label);
  }
}

/** The commits an event names: whether the clone has them decides the range (RepoRefs.commits). */
export function commitsNamedBy(event: CiEvent): string[] {
  if (event.kind === 'push') return [event.before];
  if (event.kind === 'pull-request' && event.targetCommit) return [event.targetCommit];
  return [];
}

function pullRequestRange(event: Extract<CiEvent, { kind: 'pull-request' }>, refs: RepoRefs): CiSelection {
  const { target, targetCommit, label } = event;
  if (target && refs.remoteBranches.includes(target)) return { revisions: [`${remoteRef(target)}..HEAD`], description: `${label}: the commits not on ${target}` };
  if (targetCommit && refs.commits.has(targetCommit)) return { revisions: [`${targetCommit}..HEAD`], description: `${label}: the commits since its target commit` };
  if (target) return { error: `${label}: the target branch ${target} is not in this clone`, wanted: { branches: [target] } };
  return { error: `${label}: the CI variables name no target branch` };
}

function pushRange(event: Extract<CiEvent, { kind: 'push' }>, refs: RepoRefs): CiSelection {
  const { before, forced, label } = event;
  if (refs.commits.has(before)) return { revisions: [`${before}..HEAD`], description: `${label}: the commits since its previous tip` };
  const fallback = newBranchRange(event, refs);
  // A force-push's old tip is gone for good; any other may be beyond a shallow clone's depth.
  const wanted = forced ? fallback.wanted : { ...fallback.wanted, commit: before };
  if ('error' in fallback) return { ...fallback, wanted };
  const why = forced ? 'was force-pushed away' : 'is not in this clone (a force-push?)';
  return { ...fallback, notice: `the previous tip ${before} ${why}, so this scans as for a new branch`, wanted };
}

/** HEAD's commits on no other remote branch; with none in the clone, those not on the default branch. */
function newBranchRange(event: { branch?: string; defaultBranch?: string; label: string }, refs: RepoRefs): CiSelection {
  const current = event.branch ?? refs.headBranch;
  const others = branchesOf(refs).filter((branch) => branch !== current);
  if (others.length === 0 && event.defaultBranch && event.defaultBranch !== current) {
    return { error: `${event.label}: the default branch ${event.defaultBranch} is not in this clone`, wanted: { branches: [event.defaultBranch] } };
  }
  const label = event.branch || !current ? event.label : `${event.label} on ${current}`;
  return notOnBranches(others, `${label}: the commits on no other remote branch`, label);
}

/** HEAD's commits that none of `branches` has; with no branch to go by, all of HEAD's history. */
function notOnBranches(branches: readonly string[], description: string, label: string): CiRange {
  if (branches.length > 0) return { revisions: ['HEAD', ...branches.map((branch) => `^${remoteRef(branch)}`)], description };
  return { revisions: ['HEAD'], description: `${label}: the whole history of HEAD (no branch in this clone to leave out)`, wanted: { allBranches: true } };
}

/**
 * The remote branches, less the refs Azure Pipelines names after the commit it fetched
 * (refs/remotes/origin/<commit id>): those are HEAD itself, not a branch.
 */
function branchesOf(refs: RepoRefs): string[] {
  return refs.remoteBranches.filter((branch) => !COMMIT_ID.test(branch));
}

function remoteRef(branch: string): string {
  return `refs/remotes/origin/${branch}`;
}

/** The refs and commits a range starts and stops at, for deepening a shallow clone around them. */
export function revisionTips(revisions: readonly string[]): string[] {
  return [...new Set(revisions.flatMap((revision) => revision.replace(/^\^/, '').split('..')))];
}

/** The revisions for a log line: a long list of excluded branches is cut short. */
export function showRevisions(revisions: readonly string[]): string {
  const shown = 4;
  if (revisions.length <= shown) return revisions.join(' ');
  return `${revisions.slice(0, shown).join(' ')} … (${revisions.length - shown} more)`;
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
