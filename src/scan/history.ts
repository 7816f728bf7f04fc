/**
 * `keyhound history` and `keyhound ci`: every commit reachable from the chosen refs
 * (all by default) or ranges. Reads `git log -p` as a stream (never the whole history
 * in memory) and reports each secret once, at the commit that introduced it.
 */
import { availableParallelism } from 'node:os';
import { KeyhoundError } from '../errors.js';
import { rawSecret, type Finding, type HistoryOccurrences } from '../findings.js';
import { runGit, SAFE_DIFF_OPTIONS, streamGitLines } from '../git/git.js';
import { COMMIT_FORMAT, DiffParser } from '../sources/diff-parser.js';
import { FragmentScanner } from './fragments.js';
import { finishScan, type ScanResult } from './result.js';
import { countSkip, emptyStats, prepareScan, requireRepository, type SetupOptions } from './setup.js';

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
}

/** Refuses anything git would read as an option: a ref never starts with a dash. */
function assertRevision(value: string, option: string): void {
  if (value.startsWith('-') || value.includes('\n')) throw new KeyhoundError(`${option}: not a revision: ${value}`);
}

/** `git rev-list` arguments for the commits to scan (revisions checked first). */
export function revListArguments(options: HistoryOptions): string[] {
  for (const range of options.ranges ?? []) assertRevision(range, '--range');
  if (options.branch) assertRevision(options.branch, '--branch');
  const revisions = options.ranges?.length ? options.ranges : options.branch ? [options.branch] : options.allRefs === false ? ['HEAD'] : ['--all'];
  return [
    'rev-list',
    ...(options.since ? [`--since=${options.since}`] : []),
    ...(options.maxCommits !== undefined ? [`--max-count=${options.maxCommits}`] : []),
    ...revisions, ...(options.excludeRemotes ? ['--not', '--remotes'] : []), '--',
  ];
}

/** The patches of exactly the commits given on stdin, in that order. */
export const LOG_ARGUMENTS = ['log', '-p', '-U0', '-M', `--format=${COMMIT_FORMAT}`, ...SAFE_DIFF_OPTIONS, '--no-walk=unsorted', '--stdin'];

/** Below this many commits one git process is as fast as two. */
const PARALLEL_FROM = 1000;

interface Tracked {
  finding: Finding;
  /** Position of the commit in rev-list order: the highest is the oldest, where the secret came in. */
  order: number;
  commits: number;
  paths: Set<string>;
}

export async function scanHistory(options: HistoryOptions = {}): Promise<ScanResult> {
  const started = performance.now();
  const setup = await prepareScan(options);
  requireRepository(setup);
  const stats = emptyStats(setup.ruleCount);
  stats.commits = 0;
  const warn = (message: string): void => {
    stats.warnings.push(message);
    options.onWarning?.(message);
  };
  const repo = setup.root;
  const [shallow, head, anyRef] = await Promise.all([
    runGit(repo, ['rev-parse', '--is-shallow-repository']).catch(() => 'false'),
    runGit(repo, ['rev-parse', '-q', '--verify', 'HEAD']).catch(() => ''),
    runGit(repo, ['for-each-ref', '--count=1']).catch(() => ''),
  ]);
  if (shallow.trim() === 'true') warn('shallow clone: commits before the shallow boundary are not available and were not scanned');
  if (!head.trim() && !anyRef.trim() && !options.ranges?.length && !options.branch) {
    warn('the repository has no commits yet');
    return finishScan([], setup, stats, started, (file) => file);
  }
  let listed: string;
  try {
    listed = await runGit(repo, revListArguments(options));
  } catch (error) {
    throw new KeyhoundError(`git log failed: ${(error as Error).message.replace(/^git rev-list failed: /, '')}`);
  }
  // rev-list's lines are fixed-width (a SHA and a newline): the list stays one string, a
  // commit's position is where its SHA is, and halves of it are slices. Memory stays
  // flat however long the history (no array or map of 100,000 commits).
  const lineWidth = (listed.indexOf('\n') + 1) || 1;
  const commitCount = Math.floor(listed.length / lineWidth);
  const positionOf = (sha: string): number => Math.max(listed.indexOf(sha), 0) / lineWidth;

  const bySecret = new Map<string, Tracked>();
  const record = (finding: Finding): void => {
    const at = positionOf(finding.commit?.sha ?? '');
    const tracked = bySecret.get(finding.fingerprint);
    if (!tracked) {
      bySecret.set(finding.fingerprint, { finding, order: at, commits: 1, paths: new Set([finding.file]) });
      return;
    }
    // Keep the occurrence in the oldest commit: where the secret was introduced.
    if (at > tracked.order) Object.assign(tracked, { finding, order: at });
    tracked.commits += 1;
    tracked.paths.add(finding.file);
  };

  /**
   * One git log per part of the history, side by side: git's diffing, not the
   * detector, is what a history scan waits for, and it uses one core per process.
   */
  const walk = async ([from, to]: readonly [number, number]): Promise<void> => {
    const scanner = new FragmentScanner(setup, stats);
    const parser = new DiffParser({
      commit: () => {
        stats.commits! += 1;
        options.onProgress?.({ stats, findings: bySecret.size });
      },
      binary: () => countSkip(stats, 'binary'),
      fragment: (fragment) => {
        for (const finding of scanner.scan(fragment)) record(finding);
      },
    });
    const before = stats.commits!;
    const result = await streamGitLines(repo, LOG_ARGUMENTS, (line) => parser.line(line), listed.slice(from * lineWidth, to * lineWidth));
    parser.end();
    if (result.code !== 0) {
      const reason = result.stderr.split('\n').find((line) => line.trim()) ?? `exit code ${result.code}`;
      warn(`git log stopped early after ${stats.commits! - before} of ${to - from} commits: ${reason}`);
    }
  };
  const half = Math.ceil(commitCount / 2);
  const parts: Array<readonly [number, number]> = commitCount >= PARALLEL_FROM && availableParallelism() > 1
    ? [[0, half], [half, commitCount]]
    : [[0, commitCount]];
  await Promise.all(parts.filter(([from, to]) => to > from).map(walk));

  const presentAtHead = await secretsAtHead(repo, [...bySecret.values()].map((tracked) => rawSecret(tracked.finding)));
  const findings = [...bySecret.values()].map(({ finding, commits: count, paths }) => {
    const history: HistoryOccurrences = { commits: count, paths: [...paths].sort(), presentAtHead: presentAtHead(rawSecret(finding)) };
    finding.history = history;
    return finding;
  });
  return finishScan(findings, setup, stats, started, (file) => file);
}

/** The longest line of a secret: what a line-oriented grep can look for. */
function searchableLine(secret: string): string {
  return secret.split(/\r?\n/).reduce((longest, line) => (line.length > longest.length ? line : longest), '');
}

/**
 * Which secrets some file at HEAD still contains, in one `git grep` (the secrets go
 * to git through a pipe, never a file).
 */
async function secretsAtHead(repo: string, secrets: string[]): Promise<(secret: string) => boolean> {
  if (secrets.length === 0) return () => false;
  const lines = [...new Set(secrets.map(searchableLine).filter((line) => line.length > 0))];
  let found = new Set<string>();
  try {
    const output = await runGit(repo, ['grep', '-h', '-o', '-F', '--no-textconv', '-I', '-f', '-', 'HEAD', '--'], lines.join('\n'));
    found = new Set(output.split('\n'));
  } catch {
    // No HEAD (or nothing matched: git grep exits 1): nothing is present at HEAD.
  }
  return (secret) => found.has(searchableLine(secret));
}
