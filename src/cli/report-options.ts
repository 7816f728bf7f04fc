/** The options every scanning command shares, and writing its report. */
import type { Argv } from 'yargs';
import { KeyhoundError } from '../errors.js';
import { FORMATTERS } from '../report/index.js';
import { SEVERITIES, type Severity } from '../engine/types.js';
import { prepareFingerprints, type Finding } from '../findings/finding.js';
import { inert } from '../report/inert.js';
import { findingLine } from '../report/jsonl.js';
import { summaryLine } from '../report/summary.js';
import type { ScanResult } from '../scan/result.js';
import type { SetupOptions } from '../scan/setup.js';
import { REPORT_OPTIONS, type ReportArgs } from './options.js';
import { progressDisplay } from './progress.js';
import { reportMeta } from './report-meta.js';
import type { ReportInput } from '../report/types.js';
import { EXIT_CLEAN, EXIT_LEAKS } from './exit-codes.js';
import type { Io } from './io.js';
import { writeReport } from './write-report.js';

/** yargs: the shared options of every scanning command, from the one table. */
export function withReportOptions<T>(y: Argv<T>) {
  return y.options(REPORT_OPTIONS);
}

/** Setup options for the scan functions, from the report arguments. */
export function setupOptions(args: ReportArgs, io: Io): SetupOptions {
  return {
    cwd: io.cwd,
    ...(args.config ? { config: args.config } : {}),
    ...(args.maxFileSize !== undefined ? { maxFileSize: args.maxFileSize } : {}),
    ...(args.archives !== undefined ? { archives: args.archives } : {}),
    archiveLimits: args.archiveLimits,
    ...(args.baseline !== undefined ? { baseline: args.baseline } : {}),
    ...(args.ignoreFile ? { ignoreFile: args.ignoreFile } : {}),
    include: args.include,
    exclude: args.exclude,
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
  if ((args.dryRun || args.onlyVerified || args.failOnVerified) && !args.verify) {
    throw new KeyhoundError(`--${args.dryRun ? 'dry-run' : args.onlyVerified ? 'only-verified' : 'fail-on-verified'}: needs --verify`);
  }
  // jsonl on standard output streams: each finding's line as soon as the finding is final.
  const streamed = new Set<Finding>();
  const stream = async (finding: Finding): Promise<void> => {
    await prepareFingerprints([finding]);
    io.stdout(`${findingLine(finding, args.showSecrets)}\n`);
    streamed.add(finding);
  };
  const streams = args.format === 'jsonl' && !args.output && !args.verify;
  // The report's facts about the repository (git's answers, never a failure) come while the scan runs.
  const meta = reportMeta(args.format, io.cwd, io.env, `keyhound ${command}`, startedAt);
  try {
    result = await run({ ...setupOptions(args, io), onProgress: (state) => progress.update(state), ...(streams ? { onFinding: stream } : {}) });
    // Every format shows fingerprints, and --verify's cache is keyed by them: the slow ones are computed on every core first.
    await prepareFingerprints([...result.findings, ...(result.suppressed ?? [])]);
  } finally {
    progress.done();
  }
  if (args.verify) result = await verified(result, args, io);
  return await report({ ...result, meta: await meta }, args, io, streamed);
}

/** --verify: each finding's provider asked (or, with --dry-run, the requests listed); --only-verified keeps the live ones. */
async function verified(result: ScanResult, args: ReportArgs, io: Io): Promise<ScanResult> {
  const { defaultVerifyCacheFile, fileVerifyCache } = await import('../verify/cache.js');
  const { verifyFindings } = await import('../verify/verify.js');
  const asked = await verifyFindings(result.findings, result.ruleFor ?? (() => undefined), {
    dryRun: args.dryRun,
    cache: fileVerifyCache(defaultVerifyCacheFile(io.env)),
    onRequest: (request) => {
      if (args.dryRun) io.stderr(`keyhound verify (dry run, nothing sent): ${request}\n`);
    },
  });
  if (!args.quiet && !args.dryRun) io.stderr(`keyhound verify: asked ${asked === 1 ? 'one provider' : `providers ${asked} times`} (cached answers are not asked again)\n`);
  return args.onlyVerified ? { ...result, findings: result.findings.filter((finding) => finding.verification?.status === 'live') } : result;
}

/** `streamed`: findings whose jsonl lines are already written. */
export async function report(result: ReportInput, args: ReportArgs, io: Io, streamed: ReadonlySet<Finding> = new Set()): Promise<number> {
  const color = useColor(args.color, args.output ? false : io.stdoutIsTTY, io.env);
  const unwritten = (findings: Finding[]) => findings.filter((finding) => !streamed.has(finding));
  const rest = streamed.size ? { ...result, findings: unwritten(result.findings), ...(result.suppressed ? { suppressed: unwritten(result.suppressed) } : {}) } : result;
  await writeReport(FORMATTERS[args.format](rest, { showSecrets: args.showSecrets, color }), args.output, io);
  io.onReport?.(result);
  // The text report ends with the summary; other formats are for machines, so people get it on stderr.
  if ((args.format !== 'text' || args.output) && !args.quiet) io.stderr(`${summaryLine(result.findings, result.stats)}\n`);
  const failing = args.failOnVerified ? result.findings.filter((finding) => finding.verification?.status === 'live') : result.findings;
  return failsOn(failing, args.failOn) ? EXIT_LEAKS : EXIT_CLEAN;
}

/** A leak at or above the threshold fails the run; informative findings (notes) never do. */
export function failsOn(findings: readonly Finding[], threshold: Severity): boolean {
  const worst = SEVERITIES.indexOf(threshold);
  return findings.some((finding) => !finding.informative && SEVERITIES.indexOf(finding.severity) <= worst);
}
