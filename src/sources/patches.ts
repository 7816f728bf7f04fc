/**
 * The git sources of the diff modes: the staged change (`git diff --cached`) and the
 * patches of chosen commits (`git log -p`, the commits fed on stdin). Each hands on,
 * as git prints them, the commits, their messages and the changed files (FileDiff,
 * diff-parser.ts); the scan loop judges them.
 */
import type { Readable } from 'node:stream';
import { SAFE_DIFF_OPTIONS, streamGitLines, type StreamResult } from '../git/git.js';
import { COMMIT_FORMAT, DiffParser, type DiffEvents, type FileDiff } from './diff-parser.js';

/**
 * Lines of unchanged context git shows around each change: enough for rules that read
 * neighbouring lines (a .netrc entry, a Docker `auths` block, an AWS key pair); what
 * reaches further is looked up in the whole file (scan/diff-scan.ts).
 */
export const DIFF_CONTEXT = 10;

/** What the next commit will contain: the index side of the staged change, with the staged file's line numbers. */
export const STAGED_DIFF_ARGS = ['diff', '--cached', `-U${DIFF_CONTEXT}`, '-M', '--full-index', '--ignore-submodules=all', ...SAFE_DIFF_OPTIONS];

/** The patches of exactly the commits given on stdin, in that order; merges as combined diffs (what they add to every parent). */
export const LOG_ARGUMENTS = [
  'log', '-p', `-U${DIFF_CONTEXT}`, '-M', '--cc', '--full-index', `--format=${COMMIT_FORMAT}`, ...SAFE_DIFF_OPTIONS, '--no-walk=unsorted', '--stdin',
];

/** The staged change's files; git's exit code and stderr say whether it could read them. */
export async function stagedChange(cwd: string): Promise<{ files: FileDiff[]; git: StreamResult }> {
  const files: FileDiff[] = [];
  const parser = new DiffParser({ file: (diff) => files.push(diff) });
  const git = await streamGitLines(cwd, STAGED_DIFF_ARGS, (line) => parser.line(line));
  parser.end();
  return { files, git };
}

/** The patches of the commits whose ids are written to `commits` (one a line), handed to `events` as git prints them. */
export async function commitPatches(repo: string, commits: Readable, events: DiffEvents): Promise<StreamResult> {
  const parser = new DiffParser(events);
  const git = await streamGitLines(repo, LOG_ARGUMENTS, (line) => parser.line(line), commits);
  parser.end();
  return git;
}
