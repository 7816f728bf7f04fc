/**
 * `keyhound history` and `keyhound ci`: every commit reachable from the chosen refs
 * (all by default) or ranges. Reads `git log -p` as a stream (never the whole history
 * in memory) and reports each secret once, at the commit that introduced it.
 */
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { KeyhoundError } from '../errors.js';
import { rawSecret, secretIdentity, type Finding, type HistoryOccurrences } from '../findings/finding.js';
import { blobReader } from '../git/blobs.js';
import { packageVersion } from '../package-root.js';
import { danglingObjects, failureReason, GitError, hasCommits, notesCommits, openRepository, runGit, shallowBoundary, streamGitLines, type Repository } from '../git/git.js';
import { objectsOutsideCommits } from '../sources/git-objects.js';
import { commitPatches, LOG_ARGUMENTS } from '../sources/patches.js';
import { LABELS } from '../sources/types.js';
import { ScanLoop, type ScanItem } from './scan-loop.js';
import { RowRelease } from './row-release.js';
import { defaultCacheDir, historyCacheKey, keptText, openCommitCache, type CommitCache, type KeptText } from './history-cache.js';
import { HEAD_FILE, presentAtHead } from './head-presence.js';
import { keepResult, listRefs, replayResult, RESULT_FILE, resultState } from './history-replay.js';
import { inShard, shardName, type Shard } from './shard.js';
import { finishScan, FindingStream, type ScanResult } from './result.js';
import { DEFAULT_ARCHIVE_LIMITS, emptyStats, warnInto, prepareScan, type ScanSetup, type SetupOptions } from './setup.js';
import { now } from '../builtins.js';

export interface HistoryOptions extends SetupOptions {
  /** Revision ranges (`A..B`); default: all refs. */
  ranges?: string[];
  /** One branch (or any ref) and its ancestors. */
  branch?: string;
  /** With no ranges and no branch: all refs (default) or only HEAD. */
  allRefs?: boolean;
  /** Only commits more recent than this (anything `git log --since` takes). */
  since?: string;
  maxCommits?: number;
  /** Leave out commits any remote already has (pre-push of a new branch). */
  excludeRemotes?: boolean;
  /** Also what no ref reaches: dangling commits and blobs left by rebases, amends, resets, force-pushes. */
  unreachable?: boolean;
  /** Only the commits of this shard (by a hash of the commit id); tags and unreachable blobs go to shard 1. */
  shard?: Shard;
  /** Skip commits a previous run found clean (history-cache.ts): the cache's directory, or true for `.git/keyhound/`. */
  cache?: string | true;
  /**
   * With a cache: when nothing has changed since the last run, give its result again
   * (history-replay.ts). Its findings are a report's: no raw secret behind them, so
   * never for --show-secrets, --verify or a baseline.
   */
  replay?: boolean;
}

/** Refuses anything git would read as an option: a ref never starts with a dash. */
function assertRevision(value: string, option: string): void {
  if (value.startsWith('-') || value.includes('\n')) throw new KeyhoundError(`${option}: not a revision: ${value}`);
}

/** `git rev-list` arguments for the commits to scan (revisions checked first). */
export function revListArguments(options: HistoryOptions, unreachableCommits: readonly string[] = [], oldestFirst = false): string[] {
  for (const range of options.ranges ?? []) assertRevision(range, '--range');
  if (options.branch) assertRevision(options.branch, '--branch');
  const revisions = options.ranges?.length ? options.ranges : options.branch ? [options.branch] : options.allRefs === false ? ['HEAD'] : ['--all'];
  return [
    'rev-list',
    // Children before parents, whatever the dates say: by date alone, commits made in the
    // same second (or with a skewed clock) can come before their parents, and the
    // highest position would then not be the introduction.
    '--topo-order',
    ...(oldestFirst ? ['--reverse'] : []),
    ...(options.since ? [`--since=${options.since}`] : []),
    ...(options.maxCommits !== undefined ? [`--max-count=${options.maxCommits}`] : []),
    ...revisions, ...unreachableCommits, ...(options.excludeRemotes ? ['--not', '--remotes'] : []), '--',
  ];
}

/** Characters of commit ids written to a walker at once (about 400 ids). */
const WRITE_BATCH = 16_384;
/** Below this many commits one git process is as fast as two. */
const PARALLEL_FROM = 1000;

/** One place a secret was added: a commit (by its rev-list position) and whether a suppression covers it there. */
interface Occurrence {
  finding: Finding;
  /** Position of the commit in rev-list order: the highest is the oldest, where the secret came in. */
  order: number;
  suppressed: boolean;
}

interface Tracked extends Occurrence {
  commits: number;
  paths: Set<string>;
}

/**
 * Which occurrence a secret's one row shows: an unsuppressed one before a suppressed one
 * (a key first committed under `keyhound:allow`, then in src/, is reported at src/),
 * then the oldest.
 */
function preferred(candidate: Occurrence, kept: Occurrence): boolean {
  if (candidate.suppressed !== kept.suppressed) return !candidate.suppressed;
  return candidate.order > kept.order;
}

export async function scanHistory(options: HistoryOptions = {}): Promise<ScanResult> {
  const started = now();
  const cwd = options.cwd ?? process.cwd();
  // Streamed rows need the oldest commits first (row-release.ts).
  const oldestFirst = options.onFinding !== undefined;
  // A result is replayed only where the refs alone decide it: not streamed, no dangling objects, no date.
  const replaying = options.replay === true && options.cache !== undefined && !oldestFirst && !options.unreachable && options.since === undefined;
  // git answers while the repository is opened and the rules load (git finds the
  // repository from any directory in it, so none waits for another): how many commits
  // (with --unreachable, once the dangling ones are known); for a replay which refs
  // there are (they also say whether there are commits and notes), else whether there
  // are any commits, which are notes.
  // Checked before any git starts: a bad revision is the user's to fix, whatever else fails.
  const revisions = revListArguments(options, [], oldestFirst);
  const opening = openRepository(cwd);
  const refs = replaying ? listRefs(cwd) : undefined;
  const counting = options.unreachable ? undefined : countCommits(cwd, revisions);
  const early = replaying ? undefined : Promise.all([hasCommits(cwd), notesCommits(cwd), options.unreachable ? danglingObjects(cwd) : undefined]);
  for (const pending of [refs, counting, early]) pending?.catch(() => undefined);
  const repository = await opening;
  const repo = repository.root;
  const setup = await prepareScan({ ...options, root: repo });
  const stats = emptyStats(setup.ruleCount);
  stats.commits = 0;
  const warn = warnInto(stats, options.onWarning);
  // What the caches warn of is about this run's files, not the audit: never part of a kept result.
  const cacheWarnings: string[] = [];
  const cache = options.cache === undefined ? undefined : historyCaches(repository, options.cache, setup, options, (message) => {
    cacheWarnings.push(message);
    warn(message);
  });
  const refList = await refs;
  const state = refList === undefined ? undefined : resultState(repository, refList, setup, replayScope(options));
  if (cache && state) {
    const again = replayResult(cache.result, state, setup, started);
    if (again) return again;
  }
  const [anyCommit, notes, dangling] = await (early ?? Promise.all([...knownFromRefs(repo, refList), undefined] as const));
  const boundary = shallowBoundary(repository);
  /** Whether a scanned commit sits at a shallow clone's boundary (a range deepened enough has none). */
  let reachedBoundary = false;
  if (!anyCommit && !options.ranges?.length && !options.branch) {
    warn('the repository has no commits yet');
    return finishScan([], setup, stats, started, (file) => file);
  }
  const bySecret = new Map<string, Tracked>();
  // jsonl: each row as soon as it is final (row-release.ts), its suppression decided as for scan.
  const stream = options.onFinding ? new FindingStream(setup, (file) => file, options.onFinding) : undefined;
  const release = stream ? new RowRelease((finding) => stream.add(finding)) : undefined;
  /** Commits read in full, and those among them with a finding: the rest are what the cache learns. */
  const scanned: string[] = [];
  const withFindings = new Set<string>();
  /** Whether every commit was read without a problem, so that "no finding" can be trusted. */
  let readCleanly = true;
  /** `position`: the commit's place in rev-list order (newest first), so the highest is the oldest. */
  const record = (finding: Finding, position: number): void => {
    if (finding.commit) withFindings.add(finding.commit.sha);
    // Suppression is decided where the secret stands: its path, its line, its commit.
    const reason = finding.suppressedBy ?? setup.suppressor.reasonFor(finding, finding.file);
    if (reason !== undefined) finding.suppressedBy = reason;
    const occurrence: Occurrence = { finding, order: position, suppressed: reason !== undefined };
    const identity = secretIdentity(finding);
    let tracked = bySecret.get(identity);
    if (!tracked) {
      tracked = { ...occurrence, commits: 1, paths: new Set([finding.file]) };
      bySecret.set(identity, tracked);
    } else {
      if (preferred(occurrence, tracked)) Object.assign(tracked, occurrence);
      tracked.commits += 1;
      tracked.paths.add(finding.file);
    }
    if (!tracked.suppressed) release?.offer(identity, tracked);
  };

  const blobs = blobReader(repo);
  /** Where every walker's items become findings; each finding is recorded at its commit's position. */
  const loop = new ScanLoop({
    setup, stats, warn, blobs,
    onFinding: (finding, item) => {
      // A file in a notes history is the note on the commit its path names.
      if (item.kind === 'diff' && finding.commit && notes.has(finding.commit.sha)) finding.file = LABELS.notes(item.diff.path.replace(/\//g, ''));
      record(finding, 'order' in item ? (item.order ?? -1) : -1);
    },
    onProgress: () => options.onProgress?.({ stats, findings: bySecret.size }),
    ...(release ? { onJudged: (item: ScanItem) => release.judgingDone(item.kind === 'diff' ? (item.order ?? -1) : -1) } : {}),
  });
  /**
   * A git log over the commits fed to `input`, its commits, messages and changed files
   * handed to the loop; `positions[n]` is its n-th commit's place in rev-list's order
   * (pushed before the commit is written to `input`).
   */
  const walk = async (walker: number, input: Readable, positions: readonly number[]): Promise<void> => {
    let seen = -1;
    let order = -1;
    release?.walkerStarted(walker);
    const result = await commitPatches(repo, input, {
      commit: (commit) => {
        seen += 1;
        order = positions[seen] ?? order;
        if (cache) scanned.push(commit.sha);
        loop.take({ kind: 'commit' });
        release?.walkerAt(walker, order);
      },
      message: (commit, text) => loop.take({ kind: 'text', fragment: { path: LABELS.commitMessage, text, startLine: 1, commit }, order }),
      file: (diff) => {
        release?.judgingStarted(order);
        loop.take({ kind: 'diff', diff, order });
      },
    }, () => loop.room());
    release?.walkerDone(walker);
    if (result.code !== 0) {
      readCleanly = false;
      warn(`git log stopped early after ${seen + 1} of ${positions.length} commits: ${failureReason(result)}`);
    }
  };

  // rev-list's output streams to the walkers: no list of every commit is kept, so memory
  // stays flat however long the history. From PARALLEL_FROM commits on, two walkers
  // take a half each, side by side (git's diffing, not the detector, is what a history
  // scan waits for, and it uses one core per process); consecutive commits share most
  // of their trees, so halves diff faster than alternate commits.
  const revList = revListArguments(options, dangling?.commits, oldestFirst);
  const total = await (counting ?? countCommits(repo, revList));
  // The commits to read: all but those the cache knows (an estimate: it may know some no ref reaches now).
  const toRead = total - (cache?.commits.size ?? 0);
  const count = toRead >= PARALLEL_FROM && availableParallelism() > 1 ? 2 : 1;
  const share = Math.max(1, Math.ceil(total / count));
  // A walker starts with its first commit: git log with nothing on stdin would show HEAD.
  const walkers: Array<{ input: PassThrough; positions: number[]; pending: string; done: Promise<void> } | undefined> = [];
  const walkerFor = (index: number) => {
    let walker = walkers[index];
    if (!walker) {
      const started = { input: new PassThrough(), positions: [] as number[] };
      walker = { ...started, pending: '', done: walk(index, started.input, started.positions) };
      walkers[index] = walker;
    }
    return walker;
  };
  if (options.shard) stats.shard = shardName(options.shard);
  if (cache) stats.cachedCommits = 0;
  let listed = 0;
  try {
    const listing = await streamGitLines(repo, revList, (sha) => {
      if (!sha) return;
      // The commit's place in rev-list's own order (newest 0), however it was listed.
      const position = release ? total - 1 - listed++ : listed++;
      if (!inShard(sha, options.shard)) return;
      if (boundary.has(sha)) reachedBoundary = true;
      if (cache?.commits.known(sha)) {
        stats.commits! += 1;
        stats.cachedCommits! += 1;
        return;
      }
      // Positions are rev-list's, whatever the shard: the halves are the same for every job.
      const walker = walkerFor(Math.min(Math.floor(position / share), count - 1));
      walker.positions.push(position);
      // Ids go to git in batches: a write a commit cost 0.3 s of 10,000 commits' 3.4 s.
      walker.pending += `${sha}\n`;
      if (walker.pending.length >= WRITE_BATCH) {
        walker.input.write(walker.pending);
        walker.pending = '';
      }
    });
    const started = walkers.filter((walker) => walker !== undefined);
    for (const walker of started) walker.input.end(walker.pending);
    await Promise.all(started.map((walker) => walker.done));
    await loop.finish();
    if (listing.code !== 0) {
      readCleanly = false;
      warn(`git rev-list stopped early after ${listed} commits: ${failureReason(listing)}`);
    }
    if (cache && readCleanly && loop.readCleanly) cache.commits.remember(scanned.filter((sha) => !withFindings.has(sha)));
    // Annotated tags' messages (when every ref is scanned), and what no ref reaches; in no
    // commit's history, so any commit that also adds the secret is where it is reported.
    const everyRef = !options.ranges?.length && !options.branch && options.allRefs !== false;
    const firstShard = (options.shard?.index ?? 1) === 1;
    const outside = objectsOutsideCommits(repo, blobs, setup.maxFileSize, {
      tags: everyRef && firstShard, danglingTags: firstShard ? (dangling?.tags ?? []) : [], danglingBlobs: firstShard ? (dangling?.blobs ?? []) : [],
    });
    for await (const object of outside) loop.take('reason' in object ? { kind: 'skip', skip: object } : { kind: 'text', fragment: object });
  } finally {
    blobs.close();
  }
  if (reachedBoundary) warn('shallow clone: commits before the shallow boundary are not here; a secret already present at the boundary is marked "history truncated"');

  const rows = [...bySecret.values()].map((tracked) => ({ ...tracked, secret: rawSecret(tracked.finding) }));
  const present = await presentAtHead(repo, rows, cache?.head);
  const findings = rows.map((row) => {
    const { finding, commits: count, paths, order } = row;
    const truncated = finding.commit !== undefined && boundary.has(finding.commit.sha);
    const history: HistoryOccurrences = {
      commits: count, paths: [...paths].sort(), presentAtHead: present(row), ...(truncated ? { truncated } : {}), position: order,
    };
    finding.history = history;
    return finding;
  });
  await stream?.flush();
  const result = await finishScan(findings, setup, stats, started, (file) => file);
  if (cache && state && readCleanly && loop.readCleanly) await keepResult(cache.result, state, result, cacheWarnings);
  return result;
}

/** The options that choose the commits and word the suppressions, beside the cache's key. */
function replayScope(options: HistoryOptions): Record<string, unknown> {
  const { cwd, ranges, branch, allRefs, maxCommits, shard, ignoreFile, baseline } = options;
  return { cwd, ranges, branch, allRefs, maxCommits, shard, ignoreFile, baseline };
}

/**
 * Whether HEAD or a ref names a commit, and which commits are notes, from `git show-ref
 * --head`'s list: git is asked only where the list leaves it open (a HEAD that resolves
 * names a commit; most repositories have no notes). Two gits fewer for a rescan.
 */
function knownFromRefs(repo: string, refs: string | undefined): [Promise<boolean>, Promise<Set<string>>] {
  // No list (git could not give one): git is asked, never "no commits" assumed.
  if (refs === undefined) return [hasCommits(repo), notesCommits(repo)];
  const headResolves = /^[0-9a-f]+ HEAD$/m.test(refs);
  return [
    headResolves ? Promise.resolve(true) : refs === '' ? Promise.resolve(false) : hasCommits(repo),
    / refs\/notes\//.test(refs) ? notesCommits(repo) : Promise.resolve(new Set<string>()),
  ];
}

/** How many commits `git rev-list` lists. */
async function countCommits(repo: string, revList: readonly string[]): Promise<number> {
  try {
    return Number((await runGit(repo, [revList[0]!, '--count', ...revList.slice(1)])).trim());
  } catch (error) {
    // Named as the history walk the user asked for (a bad range is git log's complaint to them).
    throw error instanceof GitError ? new GitError(error.args, error.code, error.stderr, 'log') : error;
  }
}

/** The caches of this scan (clean commits; what HEAD holds), keyed by everything that decides what a commit's scan finds. */
function historyCaches(
  repository: Repository, where: string | true, setup: ScanSetup, options: HistoryOptions, warn: (message: string) => void,
): { readonly commits: CommitCache; head: KeptText; result: KeptText } {
  const key = historyCacheKey({
    keyhound: packageVersion(),
    rules: setup.rulesIdentity(),
    config: setup.config ? { file: relative(setup.root, setup.config.file), spec: setup.config.spec } : null,
    maxFileSize: setup.maxFileSize,
    archives: options.archives === false ? false : { ...DEFAULT_ARCHIVE_LIMITS, ...options.archiveLimits },
    include: options.include ?? [],
    exclude: options.exclude ?? [],
    reportSuppressed: setup.reportSuppressed,
    log: LOG_ARGUMENTS,
  });
  const dir = where === true ? defaultCacheDir(repository) : where;
  let commits: CommitCache | undefined;
  return {
    // Read when first needed: a replayed result needs no commit list.
    get commits() {
      return (commits ??= openCommitCache(dir, key, warn));
    },
    head: keptText(dir, HEAD_FILE, key, warn),
    result: keptText(dir, RESULT_FILE, key, warn),
  };
}
