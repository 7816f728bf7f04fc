/**
 * `keyhound staged`: what the next commit will contain. Reads the index side of
 * `git diff --cached`, so after `git add -p` or an edit after `git add`, the staged
 * content is what is checked, with the staged file's line numbers; each added line is
 * judged in the context of the staged file (diff-scan.ts).
 */
import { blobReader } from '../git/blobs.js';
import { GitError, openRepository } from '../git/git.js';
import { STAGED_DIFF_ARGS, stagedChange } from '../sources/patches.js';
import { ScanLoop } from './scan-loop.js';
import { FindingStream, type ScanResult } from './result.js';
import { emptyStats, warnInto, prepareScan, requireRepository, type SetupOptions } from './setup.js';
import { now } from '../builtins.js';

export async function scanStaged(options: SetupOptions = {}): Promise<ScanResult> {
  const started = now();
  // git and the set-up run side by side: the hook's start-up is what users feel.
  const change = stagedChange(options.cwd ?? process.cwd());
  // The hook stays fast: archives are opened only when asked for (--archives).
  const setup = await prepareScan({ ...options, archives: options.archives ?? false });
  requireRepository(setup);
  const { files, git } = await change;
  if (git.code !== 0) {
    // git refusing the repository (dubious ownership) makes `git diff` fall back to
    // comparing files outside git, with a confusing complaint: ask git for the real reason.
    await openRepository(setup.root);
    throw new GitError(STAGED_DIFF_ARGS, git.code, git.stderr);
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
