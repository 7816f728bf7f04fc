/**
 * `keyhound history` and `keyhound ci`: every commit reachable from the chosen refs
 * (all by default) or ranges. Reads `git log -p` as a stream (never the whole history
 * in memory) and reports each secret once, at the commit that introduced it.
 */
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

export function logArguments(options: HistoryOptions): string[] {
  for (const range of options.ranges ?? []) assertRevision(range, '--range');
  if (options.branch) assertRevision(options.branch, '--branch');
  const revisions = options.ranges?.length ? options.ranges : options.branch ? [options.branch] : options.allRefs === false ? ['HEAD'] : ['--all'];
  return [
    'log', '-p', '-U0', '-M', `--format=${COMMIT_FORMAT}`, ...SAFE_DIFF_OPTIONS,
    ...(options.since ? [`--since=${options.since}`] : []),
    ...(options.maxCommits !== undefined ? [`--max-count=${options.maxCommits}`] : []),
    ...revisions, ...(options.excludeRemotes ? ['--not', '--remotes'] : []), '--',
  ];
}

interface Tracked {
  finding: Finding;
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
  if ((await runGit(repo, ['rev-parse', '--is-shallow-repository']).catch(() => 'false')).trim() === 'true') {
    warn('shallow clone: commits before the shallow boundary are not available and were not scanned');
  }

  const scanner = new FragmentScanner(setup, stats);
  const bySecret = new Map<string, Tracked>();
  const parser = new DiffParser({
    commit: () => {
      stats.commits! += 1;
      options.onProgress?.({ stats, findings: bySecret.size });
    },
    binary: () => countSkip(stats, 'binary'),
    fragment: (fragment) => {
      for (const finding of scanner.scan(fragment)) {
        const tracked = bySecret.get(finding.fingerprint);
        // git log lists newer commits first: the last occurrence seen is where the secret was introduced.
        if (tracked) {
          tracked.finding = finding;
          tracked.commits += 1;
          tracked.paths.add(finding.file);
        } else {
          bySecret.set(finding.fingerprint, { finding, commits: 1, paths: new Set([finding.file]) });
        }
      }
    },
  });
  const result = await streamGitLines(repo, logArguments(options), (line) => parser.line(line));
  parser.end();
  if (result.code !== 0) {
    const reason = result.stderr.split('\n').find((line) => line.trim()) ?? `exit code ${result.code}`;
    if (/does not have any commits yet|bad default revision 'HEAD'/.test(result.stderr)) warn('the repository has no commits yet');
    else if (stats.commits === 0) throw new KeyhoundError(`git log failed: ${reason}`);
    else warn(`git log stopped early after ${stats.commits} commits: ${reason}`);
  }

  const presentAtHead = await secretsAtHead(repo, [...bySecret.values()].map((tracked) => rawSecret(tracked.finding)));
  const findings = [...bySecret.values()].map(({ finding, commits, paths }) => {
    const history: HistoryOccurrences = { commits, paths: [...paths].sort(), presentAtHead: presentAtHead(rawSecret(finding)) };
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
