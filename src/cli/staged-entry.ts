/**
 * The pre-commit hook's entry, built as dist/staged.cjs (scripts/build.mjs): entry.ts's
 * short path for `keyhound staged`, in a file without the full CLI, so that the bin can
 * load it through V8's code cache (bin/code-cache.cjs).
 */
import { runAsProcess } from './failure.js';
import type { ReportArgs } from './options.js';
import { runStaged } from './commands/git-modes.js';
import { parseStagedArgs, runFast } from './fast-path.js';

/** The hook's options, when these arguments are `staged` with options its short path takes (not --help, not a typo). */
export function stagedArgs(argv: string[]): ReportArgs | undefined {
  return argv[0] === 'staged' ? parseStagedArgs(argv.slice(1)) : undefined;
}

/**
 * Runs `keyhound staged` as the bin's process, or returns false, having done nothing,
 * for arguments the short path leaves to the full CLI.
 */
export function runStagedProcess(argv: string[]): boolean {
  const args = stagedArgs(argv);
  if (!args) return false;
  void runAsProcess(() => runFast((io) => runStaged(args, io)));
  return true;
}
