/**
 * The CLI's entry point. `keyhound staged` runs in every pre-commit hook and `keyhound
 * history` in every audit's rescan, so both start on a short path (node's own
 * parseArgs, no yargs: fast-path.ts); every other command, and any invocation the short
 * path does not understand, goes to the full CLI.
 */
import { runHistory, runStaged } from './commands/git-modes.js';
import { runAsProcess } from './failure.js';
import type { Io } from './io.js';
import { stagedArgs } from './staged-entry.js';
import { parseHistoryArgs, runFast } from './fast-path.js';

export async function main(argv: string[], io?: Io): Promise<number> {
  const staged = stagedArgs(argv);
  if (staged) return runFast((io) => runStaged(staged, io), io);
  const history = argv[0] === 'history' ? parseHistoryArgs(argv.slice(1)) : undefined;
  if (history) return runFast((io) => runHistory(history, io), io);
  const full = await import('./main.js');
  return full.main(argv, io);
}

/** `main` as the bin's process (failure.ts: runAsProcess). */
export async function runProcess(argv: string[]): Promise<void> {
  await runAsProcess(() => main(argv));
}
