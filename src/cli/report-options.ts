/** The options every scanning command shares, and writing its report. */
import type { Argv } from 'yargs';
import { parseSize } from '../config/config.js';
import { FORMAT_NAMES, FORMATTERS, type FormatName } from '../report/index.js';
import { SEVERITIES, type Severity } from '../engine/types.js';
import { prepareFingerprints, type Finding } from '../findings.js';
import { inert } from '../report/inert.js';
import { summaryLine } from '../report/summary.js';
import type { ScanResult } from '../scan/result.js';
import type { SetupOptions } from '../scan/setup.js';
import { progressDisplay } from './progress.js';
import { reportMeta } from './report-meta.js';
import type { ReportInput } from '../report/types.js';
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
  /** The least severity that fails the run (exit 1); findings below it are reported but pass. */
  failOn: Severity;
}

/** Every option that takes a value requires it: `-f` alone is an error, not the default format. */
export function withReportOptions<T>(y: Argv<T>) {
  return y
    .option('format', { alias: 'f', choices: FORMAT_NAMES, default: 'text' as FormatName, describe: 'report format', requiresArg: true })
    .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file', requiresArg: true })
    .option('show-secrets', { type: 'boolean', default: false, describe: 'print raw secrets (never do this in CI logs)' })
    .option('config', { alias: 'c', type: 'string', describe: 'config file (default: .keyhound.yaml at the repository root)', requiresArg: true })
    .option('max-file-size', { type: 'string', describe: 'skip larger files (default 10MB)', requiresArg: true })
    .option('color', { type: 'boolean', describe: 'force colour on or off (default: on a terminal, unless NO_COLOR)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no warnings on stderr' })
    .option('baseline', { type: 'string', describe: 'report only findings not in this baseline (keyhound baseline create)', requiresArg: true })
    .option('ignore-file', { type: 'string', describe: 'fingerprints to ignore (default: .keyhoundignore at the repository root)', requiresArg: true })
    .option('report-suppressed', { type: 'boolean', default: false, describe: 'also list suppressed findings and what suppressed each, and stale ignore entries' })
    .option('fail-on', { choices: SEVERITIES, default: 'low' as Severity, describe: 'exit 1 only for findings of this severity or worse', requiresArg: true });
}

/** yargs' parsed options → ReportArgs, with sizes parsed and absent options left out. */
export function reportArgs(args: {
  format: FormatName; output?: string | undefined; 'show-secrets': boolean; config?: string | undefined;
  'max-file-size'?: string | undefined; color?: boolean | undefined; quiet: boolean;
  baseline?: string | undefined; 'ignore-file'?: string | undefined; 'report-suppressed': boolean; 'fail-on': Severity;
}): ReportArgs {
  return {
    format: args.format,
    failOn: args['fail-on'],
    showSecrets: args['show-secrets'],
    quiet: args.quiet,
    reportSuppressed: args['report-suppressed'],
    ...(args.baseline ? { baseline: args.baseline } : {}),
    ...(args['ignore-file'] ? { ignoreFile: args['ignore-file'] } : {}),
    ...(args.output ? { output: args.output } : {}),
    ...(args.config ? { config: args.config } : {}),
    ...(args['max-file-size'] !== undefined ? { maxFileSize: parseSize(args['max-file-size'], '--max-file-size', true) } : {}),
    ...(args.color !== undefined ? { color: args.color } : {}),
  };
}

/** Setup options for the scan functions, from the report arguments. */
export function setupOptions(args: ReportArgs, io: Io): SetupOptions {
  return {
    cwd: io.cwd,
    ...(args.config ? { config: args.config } : {}),
    ...(args.maxFileSize !== undefined ? { maxFileSize: args.maxFileSize } : {}),
    ...(args.baseline ? { baseline: args.baseline } : {}),
    ...(args.ignoreFile ? { ignoreFile: args.ignoreFile } : {}),
    reportSuppressed: args.reportSuppressed,
    onWarning: (message: string) => {
      if (!args.quiet) io.stderr(`warning: ${inert(message)}\n`);
    },
  };
}

/** Colour on a terminal only; NO_COLOR wins unless --color is given explicitly. */
export function useColor(flag: boolean | undefined, isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (flag !== undefined) return flag;
  return isTTY && !env.NO_COLOR;
}

/**
 * Runs a scan with a progress line on a terminal, writes its report, and returns the
 * exit code: 1 when a finding reaches the --fail-on severity.
 */
export async function scanAndReport(args: ReportArgs, io: Io, command: string, run: (options: SetupOptions) => Promise<ScanResult>): Promise<number> {
  const startedAt = new Date().toISOString();
  const progress = progressDisplay(io.stderr, io.stderrIsTTY && !args.quiet);
  let result: ScanResult;
  try {
    result = await run({ ...setupOptions(args, io), onProgress: (state) => progress.update(state) });
    // Every format but text shows fingerprints: the slow ones are computed on every core first.
    if (args.format !== 'text') await prepareFingerprints([...result.findings, ...(result.suppressed ?? [])]);
  } finally {
    progress.done();
  }
  return report({ ...result, meta: await reportMeta(args.format, io.cwd, io.env, `keyhound ${command}`, startedAt) }, args, io);
}

export function report(result: ReportInput, args: ReportArgs, io: Io): number {
  const color = useColor(args.color, args.output ? false : io.stdoutIsTTY, io.env);
  writeReport(FORMATTERS[args.format](result, { showSecrets: args.showSecrets, color }), args.output, io);
  // The text report ends with the summary; other formats are for machines, so people get it on stderr.
  if ((args.format !== 'text' || args.output) && !args.quiet) io.stderr(`${summaryLine(result.findings, result.stats)}\n`);
  return failsOn(result.findings, args.failOn) ? EXIT_LEAKS : EXIT_CLEAN;
}

/** A leak at or above the threshold fails the run; informative findings (notes) never do. */
export function failsOn(findings: readonly Finding[], threshold: Severity): boolean {
  const worst = SEVERITIES.indexOf(threshold);
  return findings.some((finding) => !finding.informative && SEVERITIES.indexOf(finding.severity) <= worst);
}
