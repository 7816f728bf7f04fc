/**
 * The pre-commit hook's entry, built as dist/staged.cjs (scripts/build.mjs): entry.ts's
 * short path for `keyhound staged`, in a file without the full CLI, so that the bin can
 * load it through V8's code cache (bin/code-cache.cjs).
 */
import { runAsProcess } from './failure.js';
import { parseStagedArgs, runStagedFast } from './staged-fast.js';

/**
 * Runs `keyhound staged` as the bin's process, or returns false, having done nothing,
 * for arguments the short path leaves to the full CLI (--help, a typo, another command).
 */
export function runStagedProcess(argv: string[]): boolean {
  const args = argv[0] === 'staged' ? parseStagedArgs(argv.slice(1)) : undefined;
  if (!args) return false;
  void runAsProcess(() => runStagedFast(args));
  return true;
}
