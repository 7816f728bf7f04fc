/** `keyhound merge REPORT…`: the json reports of shards or of many repositories as one report. */
import { resolve } from 'node:path';
import { readTextFile } from '../../files/yaml-file.js';
import type { Severity } from '../../engine/types.js';
import { KeyhoundError } from '../../errors.js';
import { asJsonReport, mergeReports, type MergedReport } from '../../merge/merge-reports.js';
import { asSarifLog, isSarif, mergeSarif, sarifFailsOn, type SarifLog } from '../../merge/merge-sarif.js';
import { FORMATTERS, type FormatName } from '../../report/index.js';
import { inertJson } from '../../report/inert.js';
import { JSON_REPORT_VERSION } from '../../report/json.js';
import { summaryLine } from '../../report/summary.js';
import { EXIT_CLEAN, EXIT_LEAKS } from '../exit-codes.js';
import type { Io } from '../io.js';
import { failsOn, useColor } from '../report-options.js';
import { writeReport } from '../write-report.js';

export interface MergeArgs {
  reports: string[];
  format: FormatName;
  output?: string;
  failOn: Severity;
  quiet: boolean;
  color?: boolean;
}

export async function runMerge(args: MergeArgs, io: Io): Promise<number> {
  const parsed = args.reports.map((file) => parseJson(readTextFile(resolve(io.cwd, file), 'report', file), file));
  const sarif = parsed.filter(isSarif);
  if (sarif.length > 0) return mergeSarifReports(sarif, args, io, parsed.length);
  const reports = parsed.map((report, i) => asJsonReport(report, args.reports[i]!));
  const merged = mergeReports(reports, args.reports);
  const text =
    args.format === 'json'
      ? mergedJson(merged)
      : FORMATTERS[args.format](merged, { showSecrets: false, color: useColor(args.color, args.output ? false : io.stdoutIsTTY, io.env) });
  await writeReport(text, args.output, io);
  if ((args.format !== 'text' || args.output) && !args.quiet) io.stderr(`${summaryLine(merged.findings, merged.stats)}\n`);
  return failsOn(merged.findings, args.failOn) ? EXIT_LEAKS : EXIT_CLEAN;
}

/** SARIF reports merge into one SARIF report. */
async function mergeSarifReports(logs: SarifLog[], args: MergeArgs, io: Io, given: number): Promise<number> {
  if (logs.length !== given) throw new KeyhoundError('merge: json and SARIF reports cannot be merged together');
  if (args.format !== 'json' && args.format !== 'sarif') throw new KeyhoundError(`--format ${args.format}: SARIF reports merge into SARIF (--format sarif)`);
  const merged = mergeSarif(logs.map((log, i) => asSarifLog(log, args.reports[i]!)), args.reports);
  await writeReport(`${inertJson(JSON.stringify(merged, null, 2))}\n`, args.output, io);
  const results = merged.runs.reduce((count, run) => count + run.results.length, 0);
  if (!args.quiet) io.stderr(`merged ${logs.length} SARIF reports: ${results} results in ${merged.runs.length} run${merged.runs.length === 1 ? '' : 's'}\n`);
  return sarifFailsOn(merged, args.failOn) ? EXIT_LEAKS : EXIT_CLEAN;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new KeyhoundError(`${file}: not JSON (write reports with --format json)`);
  }
}

/** The json report's shape, plus one section per repository. */
function mergedJson({ findings, stats, suppressed, staleIgnores, repositories }: MergedReport): string {
  const report = { version: JSON_REPORT_VERSION, findings, stats, ...(suppressed ? { suppressed } : {}), ...(staleIgnores ? { staleIgnores } : {}), repositories };
  return `${inertJson(JSON.stringify(report, null, 2))}\n`;
}
