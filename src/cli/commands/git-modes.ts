/** `keyhound staged`, `history`, `ci` and `pre-push`: the git sources with one report. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../config/config.js';
import { readTextFile } from '../../files/yaml-file.js';
import { KeyhoundError } from '../../errors.js';
import { isGitDate, workTreeRoot } from '../../git/git.js';
import { chooseCiRange } from '../../scan/ci-checkout.js';
import { prePushRanges, showRevisions } from '../../scan/ci-range.js';
import { scanHistory, type HistoryOptions } from '../../scan/history.js';
import { scanStaged } from '../../scan/staged.js';
import { scanText } from '../../scan/text-scan.js';
import { LABELS } from '../../sources/types.js';
import type { ScanResult } from '../../scan/result.js';
import type { Io } from '../io.js';
import { EXIT_LEAKS } from '../exit-codes.js';
import type { HistoryArgs, ReportArgs } from '../options.js';
import { report, scanAndReport } from '../report-options.js';

/** What a blocked commit prints under the findings: how to get unstuck. */
export const BLOCKED_HELP = `
Commit blocked: keyhound found secrets in the staged changes.
  1. Remove the secret from the file and \`git add\` it again (load it from the environment or a secret store instead).
  2. Rotate the key: it may already be copied elsewhere, and a leaked key stays valid until it is revoked.
  3. A false positive? Add \`keyhound:allow\` in a comment on that line, or, where no comment fits (JSON),
     keyhound ignore FINGERPRINT --reason "why" (the report shows each finding's fingerprint).
To bypass this check (not recommended): git commit --no-verify
`;

export async function runStaged(args: ReportArgs, io: Io): Promise<number> {
  // The hook stays offline unless the project's config says otherwise.
  if (args.verify && !(await loadConfig((await workTreeRoot(io.cwd)) ?? io.cwd, args.config, io.cwd))?.spec.verify?.staged) {
    throw new KeyhoundError('--verify: the pre-commit hook stays offline; allow it with "verify: { staged: true }" in .keyhound.yaml');
  }
  const code = await scanAndReport(args, io, 'staged', scanStaged);
  // git sets GIT_INDEX_FILE for a pre-commit hook: only then is a commit being blocked.
  if (code === EXIT_LEAKS && !args.quiet && io.env.GIT_INDEX_FILE !== undefined) io.stderr(BLOCKED_HELP);
  return code;
}

/** The history options from the command line, checked before any scanning starts. */
async function historyOptions(args: HistoryArgs, cwd: string): Promise<Omit<HistoryOptions, 'cwd'>> {
  if (args.since !== undefined && !(await isGitDate(cwd, args.since))) {
    throw new KeyhoundError(`--since: not a date: ${args.since} (for example 2024-01-31, "2 weeks ago", yesterday)`);
  }
  return {
    allRefs: args.allRefs,
    ...(args.unreachable ? { unreachable: true } : {}),
    ...(args.range?.length ? { ranges: args.range } : {}),
    ...(args.branch ? { branch: args.branch } : {}),
    ...(args.since !== undefined ? { since: args.since } : {}),
    ...(args.maxCommits !== undefined ? { maxCommits: args.maxCommits } : {}),
    ...(args.shard ? { shard: args.shard } : {}),
    // The last result is given again only where no raw secret is needed (history-replay.ts).
    ...(args.cache === false ? {} : { cache: args.cache ?? true, replay: !args.showSecrets && !args.verify }),
  };
}

export async function runHistory(args: HistoryArgs, io: Io): Promise<number> {
  const repo = args.repo ? resolve(io.cwd, args.repo) : io.cwd;
  // git cannot even start in a directory that is not there ("spawn git ENOENT").
  if (args.repo && !statSync(repo, { throwIfNoEntry: false })?.isDirectory()) throw new KeyhoundError(`history: not a directory: ${args.repo}`);
  // --cache is relative to where the command runs, like --output.
  const history = await historyOptions({ ...args, ...(typeof args.cache === 'string' ? { cache: resolve(io.cwd, args.cache) } : {}) }, repo);
  // The scan runs in the audited repository; the files the options name are where the command was typed.
  return scanAndReport(args.repo ? withPathsFrom(io.cwd, args) : args, { ...io, cwd: repo }, 'history', (options) => scanHistory({ ...options, ...history }));
}

/** The options that name files, made absolute against `cwd`. */
function withPathsFrom<T extends ReportArgs>(cwd: string, args: T): T {
  return {
    ...args,
    ...(args.config ? { config: resolve(cwd, args.config) } : {}),
    ...(args.baseline ? { baseline: resolve(cwd, args.baseline) } : {}),
    ...(args.ignoreFile ? { ignoreFile: resolve(cwd, args.ignoreFile) } : {}),
    ...(args.output ? { output: resolve(cwd, args.output) } : {}),
  };
}

export async function runCi(args: ReportArgs & { base?: string }, io: Io): Promise<number> {
  const say = (message: string): void => {
    if (!args.quiet) io.stderr(`keyhound ci: ${message}\n`);
  };
  const range = await chooseCiRange({ cwd: io.cwd, env: io.env, ...(args.base ? { base: args.base } : {}), onFetch: say });
  if (range.notice) say(range.notice);
  say(`scanning ${showRevisions(range.revisions)} (${range.description})`);
  return scanAndReport(args, io, 'ci', (options) => scanHistory({ ...options, ranges: range.revisions }));
}

export async function runPrePush(args: ReportArgs, io: Io): Promise<number> {
  const push = prePushRanges(await io.readStdin());
  if (push.ranges.length === 0 && push.newBranches.length === 0) {
    const empty: ScanResult = { findings: [], stats: { files: 0, commits: 0, bytes: 0, rules: 0, findings: 0, durationMs: 0, skipped: {}, warnings: [] } };
    return await report(empty, args, io);
  }
  const code = await scanAndReport(args, io, 'pre-push', (options) =>
    // A hook, like staged: archives only when asked for.
    scanHistory({ ...options, archives: options.archives ?? false, ranges: [...push.ranges, ...push.newBranches], excludeRemotes: push.newBranches.length > 0 }),
  );
  if (code === EXIT_LEAKS && !args.quiet) io.stderr('\nPush blocked: keyhound found secrets in the commits being pushed. Rewrite those commits without the secret (git rebase -i), rotate the key, or mark a false positive with `keyhound:allow`.\nTo bypass this check (not recommended): git push --no-verify\n');
  return code;
}

/** git's verbose commit template: everything from this line on is the diff, not the message. */
const SCISSORS = /^# -+ >8 -+$/m;

/** `keyhound commit-msg FILE`: what a commit-msg hook runs, so no secret is recorded in a message. */
export async function runCommitMsg(args: ReportArgs & { file: string }, io: Io): Promise<number> {
  const text = readTextFile(resolve(io.cwd, args.file), 'commit message');
  const scissors = SCISSORS.exec(text);
  const message = scissors ? text.slice(0, scissors.index) : text;
  const code = await scanAndReport(args, io, 'commit-msg', (options) => scanText(message, LABELS.commitMessage, options));
  if (code === EXIT_LEAKS && !args.quiet) {
    io.stderr('\nCommit blocked: the commit message holds a secret. Write the message again without it (git keeps it in .git/COMMIT_EDITMSG), and rotate the key.\nTo bypass this check (not recommended): git commit --no-verify\n');
  }
  return code;
}
