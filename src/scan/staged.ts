/**
 * `keyhound staged`: what the next commit will contain. Reads the index side of
 * `git diff --cached`, so after `git add -p` or an edit after `git add`, the staged
 * content is what is checked, with the staged file's line numbers; each added line is
 * judged in the context of the staged file (diff-scan.ts).
 */
import { blobReader } from '../git/blobs.js';
import { GitError, openRepository, SAFE_DIFF_OPTIONS, streamGitLines } from '../git/git.js';
import { DiffParser, type FileDiff } from '../sources/diff-parser.js';
import { DIFF_CONTEXT } from './diff-scan.js';
import { ScanLoop } from './scan-loop.js';
import { FindingStream, type ScanResult } from './result.js';
import { emptyStats, warnInto, prepareScan, requireRepository, type SetupOptions } from './setup.js';

export const STAGED_DIFF_ARGS = ['diff', '--cached', `-U${DIFF_CONTEXT}`, '-M', '--full-index', '--ignore-submodules=all', ...SAFE_DIFF_OPTIONS];

export async function scanStaged(options: SetupOptions = {}): Promise<ScanResult> {
  const started = performance.now();
  // git and the set-up run side by side: the hook's start-up is what users feel.
  const files: FileDiff[] = [];
  const parser = new DiffParser({ file: (diff) => files.push(diff) });
  const diff = streamGitLines(options.cwd ?? process.cwd(), STAGED_DIFF_ARGS, (line) => parser.line(line));
  // The hook stays fast: archives are opened only when asked for (--archives).
  const setup = await prepareScan({ ...options, archives: options.archives ?? false });
  requireRepository(setup);
  const result = await diff;
  parser.end();
  if (result.code !== 0) {
    // git refusing the repository (dubious ownership) makes `git diff` fall back to
    // comparing files outside git, with a confusing complaint: ask git for the real reason.
    await openRepository(setup.root);
    throw new GitError(STAGED_DIFF_ARGS, result.code, result.stderr);
  }
  const stats = emptyStats(setup.ruleCount);
  const warn = warnInto(stats, options.onWarning);
  const found = new FindingStream(setup, (file) => file, options.onFinding);
  // Nothing staged (a hook on an empty change): no rules to compile, no git to start.
  if (files.length) {
    const blobs = blobReader(setup.root);
    try {
      const loop = new ScanLoop({ setup, stats, warn, blobs, onFinding: (finding) => found.add(finding) });
      for (const diff of files) loop.take({ kind: 'diff', diff });
      await loop.finish();
    } finally {
      blobs.close();
    }
  }
  return found.finish(stats, started);
}
