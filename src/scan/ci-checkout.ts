/**
 * `keyhound ci` in a real clone: reads the CI variables and payload, asks ci-range.ts
 * for a range, fetches what it wants (a target branch, the other branches, a push's
 * previous tip), deepens a shallow clone until the range is whole, and asks again.
 * Only under a CI system does it fetch: run by hand, it works with what is there.
 */
import { KeyhoundError } from '../errors.js';
import { currentBranch, failureReason, fetchFromOrigin, GitError, openRepository, originBranches, parentlessCommits, presentCommits, remoteBranches, runGit, setRemoteBranches, shallowBoundary } from '../git/git.js';
import { readTextFile } from '../files/yaml-file.js';
import { detectCiSystem, FULL_HISTORY_FIX, readCiEvent, type CiSystem, type GithubPayload } from './ci-events.js';
import { commitsNamedBy, resolveCiEvent, revisionTips, showRevisions, type CiRange, type Wanted } from './ci-range.js';

export interface CiRangeOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The --base option. */
  base?: string;
  /** Told of each fetch before it starts: a CI log should say why a scan went to the network. */
  onFetch?: (message: string) => void;
}

export async function chooseCiRange(options: CiRangeOptions): Promise<CiRange> {
  const repository = await openRepository(options.cwd);
  const repo = repository.root;
  const system = detectCiSystem(options.env);
  const payload = system === 'github' ? readPayload(options.env.GITHUB_EVENT_PATH) : undefined;
  const event = readCiEvent(system, options.env, payload, options.base);
  const named = commitsNamedBy(event);
  const fetcher = system === 'none' ? undefined : new Fetcher(repo, system, options.onFetch ?? (() => {}));
  for (;;) {
    const [branches, commits, headBranch, boundary] = await Promise.all([
      remoteBranches(repo, 'origin'), presentCommits(repo, named), currentBranch(repo), shallowBoundary(repository),
    ]);
    const selection = resolveCiEvent(event, { remoteBranches: branches, commits, ...(headBranch ? { headBranch } : {}) });
    if (selection.wanted && (await fetcher?.fetchWanted(selection.wanted, boundary.size > 0))) continue;
    if ('error' in selection) throw new KeyhoundError(selection.error);
    if (boundary.size === 0) return selection;
    const cut = await parentlessCommits(repo, selection.revisions);
    if (cut.length === 0) return selection;
    if (await fetcher?.deepen(selection.revisions, boundary)) continue;
    // Deepening got no further: what is left without parents is roots, unless the history is still cut.
    if (cut.some((commit) => boundary.has(commit))) {
      throw new KeyhoundError(`shallow clone: the history of ${showRevisions(selection.revisions)} is cut short; ${FULL_HISTORY_FIX[system]}`);
    }
    return selection;
  }
}

function readPayload(path: string | undefined): GithubPayload | undefined {
  if (!path) return undefined;
  const text = readTextFile(path, 'GitHub event payload (GITHUB_EVENT_PATH)');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    // Not JSON: the check below reports it.
  }
  if (typeof payload !== 'object' || payload === null) throw new KeyhoundError(`GitHub event payload (GITHUB_EVENT_PATH) ${path}: not a JSON object`);
  return payload as GithubPayload;
}

/** The first deepening of a shallow clone, in commits; each further one doubles it. */
const FIRST_DEEPEN = 50;

/** Fetches from origin what a range needs, each thing once. */
class Fetcher {
  private readonly tried = new Set<string>();
  private depth = FIRST_DEEPEN;
  private lastBoundary = '';

  constructor(
    private readonly repo: string,
    private readonly system: CiSystem,
    private readonly onFetch: (message: string) => void,
  ) {}

  /** Fetches what the selection wants and has not been tried yet; true when it fetched. */
  async fetchWanted(wanted: Wanted, shallow: boolean): Promise<boolean> {
    if (wanted.commit && this.firstTry(`commit ${wanted.commit}`)) {
      this.onFetch(`fetching ${wanted.commit} from origin`);
      // Refused when no branch has it any more (a force-push): the selection's fallback stands.
      await fetchFromOrigin(this.repo, shallow ? ['--depth=1'] : [], [wanted.commit]).catch((error: unknown) => {
        if (!(error instanceof GitError)) throw error;
      });
      return true;
    }
    const branches = (wanted.branches ?? []).filter((branch) => this.firstTry(`branch ${branch}`));
    if (branches.length > 0) {
      await this.fetchBranches(branches, shallow);
      return true;
    }
    if (wanted.allBranches && this.firstTry('all branches')) {
      await this.fetchBranches(undefined, shallow);
      return true;
    }
    return false;
  }

  /**
   * origin's branches (those named, or all) as remote-tracking refs. A tip the clone
   * already has is only pointed at: fetching it with --depth=1 would mark it shallow
   * and cut the history under it. In a shallow clone the others come alone; deepen()
   * brings their history as far as the range needs.
   */
  private async fetchBranches(names: string[] | undefined, shallow: boolean): Promise<void> {
    const what = names ? names.join(', ') : 'all branches';
    this.onFetch(`fetching ${what} from origin`);
    try {
      const heads = await originBranches(this.repo, names);
      const present = await presentCommits(this.repo, [...heads.values()]);
      await setRemoteBranches(this.repo, 'origin', new Map([...heads].filter(([, id]) => present.has(id))));
      const missing = [...heads].filter(([, id]) => !present.has(id)).map(([name]) => `+refs/heads/${name}:refs/remotes/origin/${name}`);
      if (missing.length > 0) await fetchFromOrigin(this.repo, shallow ? ['--depth=1'] : [], missing);
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      // In a shallow clone the fix is the checkout's depth, which the user sets in the CI file.
      const fix = shallow ? FULL_HISTORY_FIX[this.system] : 'fetch it before keyhound ci';
      throw new KeyhoundError(`cannot fetch ${what} from origin (${failureReason(error)}); ${fix}, or name the base with KEYHOUND_BASE`);
    }
  }

  /** Deepens the history around the range's tips; false when the last deepening changed nothing. */
  async deepen(revisions: readonly string[], boundary: ReadonlySet<string>): Promise<boolean> {
    const key = [...boundary].sort().join(' ');
    if (key === this.lastBoundary) return false;
    this.lastBoundary = key;
    const tips = (await runGit(this.repo, ['rev-parse', ...revisionTips(revisions)])).split('\n').filter(Boolean);
    this.onFetch(`shallow clone: deepening by ${this.depth} commits`);
    try {
      await fetchFromOrigin(this.repo, [`--deepen=${this.depth}`], tips);
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      throw new KeyhoundError(`shallow clone: the history of ${showRevisions(revisions)} is cut short and origin could not deepen it (${failureReason(error)}); ${FULL_HISTORY_FIX[this.system]}`);
    }
    this.depth *= 2;
    return true;
  }

  private firstTry(what: string): boolean {
    if (this.tried.has(what)) return false;
    this.tried.add(what);
    return true;
  }
}
