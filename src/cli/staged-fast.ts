/**
 * `keyhound staged` without yargs: the options of the full CLI's `staged` command
 * (options.ts, one table for both), parsed with node:util.
 * Anything unusual (--help, a typo) returns undefined and the full CLI handles it.
 */
import { parseArgs } from 'node:util';
import { runStaged } from './commands/git-modes.js';
import { EXIT_ERROR } from './exit-codes.js';
import { failureText } from './failure.js';
import { processIo, type Io } from './io.js';
import { NEGATABLE, parseArgsOptions, reportArgs, withinChoices, type ParsedReportOptions, type ReportArgs } from './options.js';

export function parseStagedArgs(argv: string[]): ReportArgs | undefined {
  try {
    const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: parseArgsOptions() });
    const parsed = values as ParsedReportOptions & Record<string, unknown>;
    if (positionals.length || !withinChoices(parsed)) return undefined;
    // `--no-color`, `--no-archives`, `--no-baseline`: off, as yargs reads them.
    for (const name of NEGATABLE) {
      if (parsed[`no-${name}`]) parsed[name] = false;
      delete parsed[`no-${name}`];
    }
    return reportArgs(parsed);
  } catch {
    return undefined;
  }
}

export async function runStagedFast(args: ReportArgs, io: Io = processIo()): Promise<number> {
  try {
    return await runStaged(args, io);
  } catch (error) {
    io.stderr(failureText(error, io.env));
    return EXIT_ERROR;
  }
}
