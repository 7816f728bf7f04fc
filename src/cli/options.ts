/**
 * The options every scanning command shares, written down once. yargs builds the full
 * CLI from this table, and the pre-commit hook's fast path (staged-fast.ts) builds its
 * node:util parser from it too, so the two cannot drift apart.
 */
import type { Options } from 'yargs';
import { parseSize } from '../config/config.js';
import { KeyhoundError } from '../errors.js';
import type { ArchiveOptions } from '../scan/setup.js';
import { SEVERITIES, type Severity } from '../engine/types.js';
import { FORMAT_NAMES, type FormatName } from '../report/index.js';

/** Every option that takes a value requires it: `-f` alone is an error, not the default format. */
export const REPORT_OPTIONS = {
  format: { alias: 'f', type: 'string', choices: FORMAT_NAMES, default: 'text', describe: 'report format', requiresArg: true },
  output: { alias: 'o', type: 'string', describe: 'write the report to this file', requiresArg: true },
  'show-secrets': { type: 'boolean', default: false, describe: 'print raw secrets (never do this in CI logs)' },
  config: { alias: 'c', type: 'string', describe: 'config file (default: .keyhound.yaml at the repository root)', requiresArg: true },
  'max-file-size': { type: 'string', describe: 'skip larger files (default 10MB)', requiresArg: true },
  archives: { type: 'boolean', describe: 'open archives (zip, jar, tar, gzip…) and container image tarballs (default: on; off in staged and pre-push)' },
  'max-archive-size': { type: 'string', describe: 'uncompressed bytes one archive may expand to, nested ones included (default 100MB)', requiresArg: true },
  'max-archive-total': { type: 'string', describe: 'uncompressed bytes all archives of a scan may expand to (default 1GB)', requiresArg: true },
  'max-archive-ratio': { type: 'string', describe: 'skip archive entries compressed more than this many times, past 1MB (default 100)', requiresArg: true },
  'max-archive-depth': { type: 'string', describe: 'open archives nested this deep (default 3)', requiresArg: true },
  include: { type: 'string', array: true, describe: 'scan only paths matching this glob (repeatable; relative to the repository root)', requiresArg: true },
  exclude: { type: 'string', array: true, describe: 'do not scan paths matching this glob (repeatable)', requiresArg: true },
  color: { type: 'boolean', describe: 'force colour on or off (default: on a terminal, unless NO_COLOR)' },
  quiet: { alias: 'q', type: 'boolean', default: false, describe: 'no warnings on stderr' },
  baseline: { type: 'string', describe: 'report only findings not in this baseline (default: .keyhound-baseline.json at the repository root, if present; --no-baseline: none)', requiresArg: true },
  'ignore-file': { type: 'string', describe: 'fingerprints to ignore (default: .keyhoundignore at the repository root)', requiresArg: true },
  'report-suppressed': { type: 'boolean', default: false, describe: 'also list suppressed findings and what suppressed each, and stale ignore entries' },
  'fail-on': { type: 'string', choices: SEVERITIES, default: 'low', describe: 'exit 1 only for findings of this severity or worse', requiresArg: true },
  verify: { type: 'boolean', default: false, describe: "ask each finding's provider whether the credential still works (sends it to the provider's own host)" },
  'dry-run': { type: 'boolean', default: false, describe: 'with --verify: list the requests instead of sending them' },
  'only-verified': { type: 'boolean', default: false, describe: 'with --verify: report only credentials the provider says are live' },
  'fail-on-verified': { type: 'boolean', default: false, describe: 'with --verify: exit 1 only for credentials the provider says are live' },
} as const satisfies Record<string, Options>;

export type ReportOptionName = keyof typeof REPORT_OPTIONS;

/** The options as either parser hands them over (yargs has checked the choices already). */
export interface ParsedReportOptions {
  format?: string;
  output?: string | undefined;
  'show-secrets'?: boolean;
  config?: string | undefined;
  'max-file-size'?: string | undefined;
  archives?: boolean | undefined;
  'max-archive-size'?: string | undefined;
  'max-archive-total'?: string | undefined;
  'max-archive-ratio'?: string | undefined;
  'max-archive-depth'?: string | undefined;
  include?: string[] | undefined;
  exclude?: string[] | undefined;
  color?: boolean | undefined;
  quiet?: boolean;
  /** false: --no-baseline. */
  baseline?: string | false | undefined;
  'ignore-file'?: string | undefined;
  'report-suppressed'?: boolean;
  'fail-on'?: string;
  verify?: boolean;
  'dry-run'?: boolean;
  'only-verified'?: boolean;
  'fail-on-verified'?: boolean;
}

export interface ReportArgs {
  format: FormatName;
  output?: string;
  showSecrets: boolean;
  config?: string;
  maxFileSize?: number;
  /** Undefined: the command's default (on, but off in the hooks). */
  archives?: boolean;
  archiveLimits: ArchiveOptions;
  include: string[];
  exclude: string[];
  color?: boolean;
  quiet: boolean;
  /** A baseline file; false: none, not even the default one. */
  baseline?: string | false;
  ignoreFile?: string;
  reportSuppressed: boolean;
  /** The least severity that fails the run (exit 1); findings below it are reported but pass. */
  failOn: Severity;
  verify: boolean;
  dryRun: boolean;
  onlyVerified: boolean;
  failOnVerified: boolean;
}

/** Whether the values are among the table's choices (the fast path hands anything else to yargs, which explains it). */
export function withinChoices(values: ParsedReportOptions): boolean {
  return FORMAT_NAMES.includes((values.format ?? 'text') as FormatName) && SEVERITIES.includes((values['fail-on'] ?? 'low') as Severity);
}

/** Parsed options → ReportArgs, with sizes parsed and absent options left out. */
export function reportArgs(values: ParsedReportOptions): ReportArgs {
  return {
    format: (values.format ?? 'text') as FormatName,
    failOn: (values['fail-on'] ?? 'low') as Severity,
    showSecrets: values['show-secrets'] ?? false,
    quiet: values.quiet ?? false,
    reportSuppressed: values['report-suppressed'] ?? false,
    include: values.include ?? [],
    verify: values.verify ?? false,
    dryRun: values['dry-run'] ?? false,
    onlyVerified: values['only-verified'] ?? false,
    failOnVerified: values['fail-on-verified'] ?? false,
    exclude: values.exclude ?? [],
    ...(values.baseline !== undefined ? { baseline: values.baseline } : {}),
    ...(values['ignore-file'] ? { ignoreFile: values['ignore-file'] } : {}),
    ...(values.output ? { output: values.output } : {}),
    ...(values.config ? { config: values.config } : {}),
    ...(values['max-file-size'] !== undefined ? { maxFileSize: parseSize(values['max-file-size'], '--max-file-size', true) } : {}),
    ...(values.archives !== undefined ? { archives: values.archives } : {}),
    archiveLimits: archiveLimits(values),
    ...(values.color !== undefined ? { color: values.color } : {}),
  };
}

function archiveLimits(values: ParsedReportOptions): ArchiveOptions {
  const count = (option: 'max-archive-ratio' | 'max-archive-depth'): number | undefined => {
    const value = values[option];
    if (value === undefined) return undefined;
    if (/^\d+$/.test(value.trim()) && Number(value) >= 1) return Number(value);
    throw new KeyhoundError(`--${option}: not a whole number (1 or more): ${value}`);
  };
  const [maxSize, maxTotal] = (['max-archive-size', 'max-archive-total'] as const).map((option) => {
    const value = values[option];
    return value === undefined ? undefined : parseSize(value, `--${option}`, true);
  });
  const [maxRatio, maxDepth] = [count('max-archive-ratio'), count('max-archive-depth')];
  return {
    ...(maxSize !== undefined ? { maxSize } : {}),
    ...(maxTotal !== undefined ? { maxTotal } : {}),
    ...(maxRatio !== undefined ? { maxRatio } : {}),
    ...(maxDepth !== undefined ? { maxDepth } : {}),
  };
}

/** Options with no default, which yargs also takes as `--no-<name>` (false). */
export const NEGATABLE = ['color', 'archives', 'baseline'] as const;

/** The table as node:util parseArgs options (plus `--no-color`, `--no-archives` and `--no-baseline`, which yargs understands by itself). */
export function parseArgsOptions(): Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = Object.fromEntries(
    NEGATABLE.map((name) => [`no-${name}`, { type: 'boolean' as const }]),
  );
  for (const [name, option] of Object.entries(REPORT_OPTIONS) as Array<[string, Options]>) {
    options[name] = {
      type: option.type === 'boolean' ? 'boolean' : 'string',
      ...(typeof option.alias === 'string' ? { short: option.alias } : {}),
      ...(option.array ? { multiple: true } : {}),
    };
  }
  return options;
}
