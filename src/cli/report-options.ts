/** The options every scanning command shares, and writing its report. */
import type { Argv } from 'yargs';
import { parseSize } from '../config/config.js';
import { FORMAT_NAMES, FORMATTERS, type FormatName } from '../report/index.js';
import type { ScanResult } from '../scan/result.js';
import { EXIT_CLEAN, EXIT_LEAKS } from './exit-codes.js';
import type { Io } from './io.js';
import { writeReport } from './write-report.js';

export interface ReportArgs {
  format: FormatName;
  output?: string;
  showSecrets: boolean;
  config?: string;
  maxFileSize?: number;
  color?: boolean;
  quiet: boolean;
  baseline?: string;
  ignoreFile?: string;
  reportSuppressed: boolean;
}

export function withReportOptions<T>(y: Argv<T>) {
  return y
    .option('format', { alias: 'f', choices: FORMAT_NAMES, default: 'text' as FormatName, describe: 'report format' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file' })
    .option('show-secrets', { type: 'boolean', default: false, describe: 'print raw secrets (never do this in CI logs)' })
    .option('config', { alias: 'c', type: 'string', describe: 'config file (default: .keyhound.yaml at the repository root)' })
    .option('max-file-size', { type: 'string', describe: 'skip larger files (default 10MB)' })
    .option('color', { type: 'boolean', describe: 'force colour on or off (default: on a terminal, unless NO_COLOR)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no warnings on stderr' })
    .option('baseline', { type: 'string', describe: 'report only findings not in this baseline (keyhound baseline create)' })
    .option('ignore-file', { type: 'string', describe: 'fingerprints to ignore (default: .keyhoundignore at the repository root)' })
    .option('report-suppressed', { type: 'boolean', default: false, describe: 'also list suppressed findings and what suppressed each, and stale ignore entries' });
}

/** yargs' parsed options → ReportArgs, with sizes parsed and absent options left out. */
export function reportArgs(args: {
  format: FormatName; output?: string | undefined; 'show-secrets': boolean; config?: string | undefined;
  'max-file-size'?: string | undefined; color?: boolean | undefined; quiet: boolean;
  baseline?: string | undefined; 'ignore-file'?: string | undefined; 'report-suppressed': boolean;
}): ReportArgs {
  return {
    format: args.format,
    showSecrets: args['show-secrets'],
    quiet: args.quiet,
    reportSuppressed: args['report-suppressed'],
    ...(args.baseline ? { baseline: args.baseline } : {}),
    ...(args['ignore-file'] ? { ignoreFile: args['ignore-file'] } : {}),
    ...(args.output ? { output: args.output } : {}),
    ...(args.config ? { config: args.config } : {}),
    ...(args['max-file-size'] !== undefined ? { maxFileSize: parseSize(args['max-file-size'], '--max-file-size') } : {}),
    ...(args.color !== undefined ? { color: args.color } : {}),
  };
}

/** Setup options for the scan functions, from the report arguments. */
export function setupOptions(args: ReportArgs, io: Io) {
  return {
    cwd: io.cwd,
    ...(args.config ? { config: args.config } : {}),
    ...(args.maxFileSize !== undefined ? { maxFileSize: args.maxFileSize } : {}),
    ...(args.baseline ? { baseline: args.baseline } : {}),
    ...(args.ignoreFile ? { ignoreFile: args.ignoreFile } : {}),
    reportSuppressed: args.reportSuppressed,
    onWarning: (message: string) => {
      if (!args.quiet) io.stderr(`warning: ${message}\n`);
    },
  };
}

/** Colour on a terminal only; NO_COLOR wins unless --color is given explicitly. */
export function useColor(flag: boolean | undefined, isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (flag !== undefined) return flag;
  return isTTY && !env.NO_COLOR;
}

export function report(result: ScanResult, args: ReportArgs, io: Io): number {
  const color = useColor(args.color, args.output ? false : io.stdoutIsTTY, io.env);
  writeReport(FORMATTERS[args.format](result, { showSecrets: args.showSecrets, color }), args.output, io);
  return result.findings.length ? EXIT_LEAKS : EXIT_CLEAN;
}
