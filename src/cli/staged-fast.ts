/**
 * `keyhound staged` without yargs: the options of the full CLI's `staged` command
 * (see main.ts, which also documents them in --help), parsed with node:util.
 * Anything unusual (--help, a typo) returns undefined and the full CLI handles it.
 */
import { parseArgs } from 'node:util';
import { parseSize } from '../config/config.js';
import { SEVERITIES, type Severity } from '../engine/types.js';
import { FORMAT_NAMES, type FormatName } from '../report/index.js';
import { runStaged } from './commands/git-modes.js';
import { EXIT_ERROR } from './exit-codes.js';
import { failureText } from './failure.js';
import { processIo, type Io } from './io.js';
import type { ReportArgs } from './report-options.js';

export function parseStagedArgs(argv: string[]): ReportArgs | undefined {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        'show-secrets': { type: 'boolean' },
        config: { type: 'string', short: 'c' },
        'max-file-size': { type: 'string' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        baseline: { type: 'string' },
        'ignore-file': { type: 'string' },
        'report-suppressed': { type: 'boolean' },
        'fail-on': { type: 'string' },
      },
    });
    const format = values.format ?? 'text';
    const failOn = values['fail-on'] ?? 'low';
    if (positionals.length || !FORMAT_NAMES.includes(format as FormatName) || !SEVERITIES.includes(failOn as Severity)) return undefined;
    const color = values['no-color'] ? false : values.color;
    return {
      format: format as FormatName,
      failOn: failOn as Severity,
      showSecrets: values['show-secrets'] ?? false,
      quiet: values.quiet ?? false,
      reportSuppressed: values['report-suppressed'] ?? false,
      ...(values.baseline ? { baseline: values.baseline } : {}),
      ...(values['ignore-file'] ? { ignoreFile: values['ignore-file'] } : {}),
      ...(values.output ? { output: values.output } : {}),
      ...(values.config ? { config: values.config } : {}),
      ...(values['max-file-size'] !== undefined ? { maxFileSize: parseSize(values['max-file-size'], '--max-file-size', true) } : {}),
      ...(color !== undefined ? { color } : {}),
    };
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
