/**
 * `keyhound staged` (every pre-commit hook) and `keyhound history` (every rescan an
 * audit repeats) without yargs, whose set-up costs a run about 7 ms: their options,
 * from the full CLI's own tables (options.ts), parsed with node:util. Anything unusual
 * (--help, a typo, a value yargs would refuse) returns undefined, and the full CLI
 * handles it and explains.
 */
import { parseArgs } from 'node:util';
import { parseShard } from '../scan/shard.js';
import { EXIT_ERROR } from './exit-codes.js';
import { failureText } from './failure.js';
import { processIo, type Io } from './io.js';
import {
  HISTORY_OPTIONS, historyArgs, NEGATABLE, parseArgsOptions, REPORT_OPTIONS, reportArgs, withinChoices,
  type HistoryArgs, type ParsedHistoryOptions, type ReportArgs,
} from './options.js';

type Values = ParsedHistoryOptions & Record<string, unknown>;

/**
 * The options and positionals as yargs would read them: `--no-<name>` is false, the last
 * of an option given twice wins. Undefined where the two might differ: an unknown
 * option, a missing value, a name given both ways, a `-` (which the CLI reads as --stdin),
 * a `--`.
 */
function readArgs(argv: string[], tables: Parameters<typeof parseArgsOptions>[0], negatable: readonly string[]): { values: Values; positionals: string[] } | undefined {
  if (argv.includes('-') || argv.includes('--')) return undefined;
  try {
    const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: parseArgsOptions(tables, negatable) });
    const parsed = values as Values;
    for (const name of negatable) {
      if (!parsed[`no-${name}`]) continue;
      if (parsed[name] !== undefined) return undefined;
      parsed[name] = false;
      delete parsed[`no-${name}`];
    }
    return withinChoices(parsed) ? { values: parsed, positionals } : undefined;
  } catch {
    return undefined;
  }
}

/** `keyhound staged`'s arguments (those after the command), or undefined for the full CLI. */
export function parseStagedArgs(argv: string[]): ReportArgs | undefined {
  const read = readArgs(argv, [REPORT_OPTIONS], NEGATABLE);
  if (!read || read.positionals.length) return undefined;
  return unlessRefused(() => reportArgs(read.values));
}

/** `keyhound history`'s arguments (those after the command), or undefined for the full CLI. */
export function parseHistoryArgs(argv: string[]): HistoryArgs | undefined {
  const read = readArgs(argv, [REPORT_OPTIONS, HISTORY_OPTIONS], [...NEGATABLE, 'cache']);
  if (!read || read.positionals.length > 1) return undefined;
  const { values, positionals } = read;
  // Read as strings here; yargs reads a number (`1e3` too) and refuses NaN.
  const maxCommits = values['max-commits'] as unknown as string | undefined;
  const shard = values.shard as unknown as string | undefined;
  if (maxCommits !== undefined && !/^(?:0|[1-9]\d*)$/.test(maxCommits)) return undefined;
  return unlessRefused(() => historyArgs({
    ...values,
    ...(positionals[0] !== undefined ? { repo: positionals[0] } : {}),
    ...(maxCommits !== undefined ? { 'max-commits': Number(maxCommits) } : {}),
    ...(shard !== undefined ? { shard: parseShard(shard) } : {}),
  }));
}

/** A value the command refuses (a size, a shard) is left to the full CLI, which words the error as for every command. */
function unlessRefused<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Runs a command parsed on the short path, its failure reported as the full CLI does. */
export async function runFast(command: (io: Io) => Promise<number>, io: Io = processIo()): Promise<number> {
  try {
    return await command(io);
  } catch (error) {
    io.stderr(failureText(error, io.env));
    return EXIT_ERROR;
  }
}
