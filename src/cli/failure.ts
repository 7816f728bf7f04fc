/**
 * How keyhound says it could not do its job: one line on stderr, never a stack trace,
 * unless KEYHOUND_DEBUG=1 asks for one (for a bug report).
 */
import { EXIT_ERROR } from './exit-codes.js';
import { isKeyhoundError } from '../errors.js';
import { inert } from '../report/inert.js';

function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.KEYHOUND_DEBUG) && env.KEYHOUND_DEBUG !== '0';
}

/** A message on one line: a multi-line message (git's, a library's) is joined. */
export function oneLine(message: string): string {
  return message.split('\n').map((part) => part.trim()).filter(Boolean).join(' ');
}

/** What to print for an error: the one-line message, and under KEYHOUND_DEBUG its stack. */
export function failureText(error: unknown, env: NodeJS.ProcessEnv): string {
  const debug = debugEnabled(env);
  const message = isKeyhoundError(error)
    ? error.message
    : `internal error: ${error instanceof Error ? error.message : String(error)}${debug ? '' : ' (KEYHOUND_DEBUG=1 shows where)'}`;
  const stack = debug && error instanceof Error && error.stack ? `${error.stack}\n` : '';
  // Messages name files from the scanned repository: inert, so no name drives the terminal or the CI log.
  return `keyhound: ${inert(oneLine(message))}\n${stack}`;
}

/**
 * A CLI run as the bin's process: an error nothing caught (a failed write to stdout, a
 * bug) is one line and exit 2 like any other failure; never Node's stack trace and exit
 * 1, which would read as "leaks". No handler for SIGINT and SIGTERM: they end the
 * process at once, however busy (src/cli/write-report.ts says why).
 */
export async function runAsProcess(run: () => Promise<number>): Promise<void> {
  process.on('uncaughtException', (error) => {
    process.stderr.write(failureText(error, process.env));
    process.exit(EXIT_ERROR);
  });
  process.exitCode = await run();
}
