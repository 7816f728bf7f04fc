/**
 * The CLI's entry point. `keyhound staged` runs in every pre-commit hook, so it
 * starts on a short path (node's own parseArgs, no yargs); every other command, and
 * any staged invocation the short path does not understand, goes to the full CLI.
 */
import { EXIT_ERROR } from './exit-codes.js';
import { failureText } from './failure.js';
import type { Io } from './io.js';
import { parseStagedArgs, runStagedFast } from './staged-fast.js';

export async function main(argv: string[], io?: Io): Promise<number> {
  if (argv[0] === 'staged') {
    const args = parseStagedArgs(argv.slice(1));
    if (args) return runStagedFast(args, io);
  }
  const full = await import('./main.js');
  return full.main(argv, io);
}

/**
 * The process around `main`, for the bin: an error nothing caught (a failed write to
 * stdout, a bug) is one line and exit 2 like any other failure; never Node's stack trace
 * and exit 1, which would read as "leaks". No handler for SIGINT and SIGTERM: they end
 * the process at once, however busy (src/cli/write-report.ts says why).
 */
export async function runProcess(argv: string[]): Promise<void> {
  process.on('uncaughtException', (error) => {
    process.stderr.write(failureText(error, process.env));
    process.exit(EXIT_ERROR);
  });
  process.exitCode = await main(argv);
}
