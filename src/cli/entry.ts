/**
 * The CLI's entry point. `keyhound staged` runs in every pre-commit hook, so it
 * starts on a short path (node's own parseArgs, no yargs); every other command, and
 * any staged invocation the short path does not understand, goes to the full CLI.
 */
import { runAsProcess } from './failure.js';
import type { Io } from './io.js';
import { stagedArgs } from './staged-entry.js';
import { runStagedFast } from './staged-fast.js';

export async function main(argv: string[], io?: Io): Promise<number> {
  const args = stagedArgs(argv);
  if (args) return runStagedFast(args, io);
  const full = await import('./main.js');
  return full.main(argv, io);
}

/** `main` as the bin's process (failure.ts: runAsProcess). */
export async function runProcess(argv: string[]): Promise<void> {
  await runAsProcess(() => main(argv));
}
