/**
 * The options every scanning command shares, and `history`'s own, written down once.
 * yargs builds the full CLI from these tables, and the short paths of `staged` and
 * `history` (fast-path.ts) build their node:util parsers from them too, so the two
 * cannot drift apart.
 */
import type { Options } from 'yargs';
import { parseSize } from '../config/config.js';
import { KeyhoundError } from '../errors.js';
import type { ArchiveOptions } from '../scan/setup.js';
import { SEVERITIES, type Severity } from '../engine/types.js';
import { parseShard, type Shard } from '../scan/shard.js';
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

/** A count option's value (yargs' coerce): a whole number, not NaN from `--max-commits abc`. */
export function wholeNumber(value: number, option: string): number {
  if (Number.isInteger(value) && value >= 0) return value;
  throw new KeyhoundError(`${option}: not a whole number (0 or more)`);
}

/** `--shard K/N` on scan and history. */
export const SHARD_OPTION = {
  type: 'string', describe: 'scan only share K of N (by commit in history, by file in scan), for N parallel jobs; keyhound merge joins their reports', requiresArg: true, coerce: parseShard,
} as const satisfies Options;

/** `history`'s own options, beside the report options. */
export const HISTORY_OPTIONS = {
  range: { type: 'string', array: true, describe: 'revision range A..B (repeatable)', requiresArg: true },
  branch: { type: 'string', describe: 'one branch (or ref) and its ancestors', requiresArg: true },
  'all-refs': { type: 'boolean', default: true, describe: 'all branches and tags; --all-refs=false: HEAD only' },
  unreachable: { type: 'boolean', default: false, describe: 'also scan what no ref reaches: dangling commits, blobs and tags left by rebases, amends, resets and force-pushes' },
  since: { type: 'string', describe: 'only commits after this date (as git log --since)', requiresArg: true },
  'max-commits': { type: 'number', describe: 'at most this many commits', requiresArg: true, coerce: (value: number) => wholeNumber(value, '--max-commits') },
  shard: SHARD_OPTION,
  cache: { type: 'string', describe: 'directory of the history cache (default: .git/keyhound/); --no-cache reads every commit', requiresArg: true },
} as const satisfies Record<string, Options>;

/** `history`'s options as either parser hands them over (`cache`: false for --no-cache). */
export interface ParsedHistoryOptions extends ParsedReportOptions {
  repo?: string | undefined;
  range?: string[] | undefined;
  branch?: string | undefined;
  'all-refs'?: boolean;
  unreachable?: boolean;
  since?: string | undefined;
  'max-commits'?: number | undefined;
  shard?: Shard | undefined;
  cache?: string | false | undefined;
}

export interface HistoryArgs extends ReportArgs {
  /** The repository to audit (default: the one at the current directory). */
  repo?: string;
  range?: string[];
  branch?: string;
  allRefs: boolean;
  /** Also dangling commits, blobs and tags. */
  unreachable?: boolean;
  since?: string;
  maxCommits?: number;
  shard?: Shard;
  /** The cache's directory; false: no cache (default: `.git/keyhound/`). */
  cache?: string | false;
}

/** Parsed history options → HistoryArgs, absent options left out. */
export function historyArgs(values: ParsedHistoryOptions): HistoryArgs {
  return {
    ...reportArgs(values),
    ...(values.repo ? { repo: values.repo } : {}),
    allRefs: values['all-refs'] ?? true,
    unreachable: values.unreachable ?? false,
    ...(values.range ? { range: values.range } : {}),
    ...(values.branch ? { branch: values.branch } : {}),
    ...(values.since !== undefined ? { since: values.since } : {}),
    ...(values['max-commits'] !== undefined ? { maxCommits: values['max-commits'] } : {}),
    ...(values.shard ? { shard: values.shard } : {}),
    ...(values.cache !== undefined ? { cache: values.cache } : {}),
  };
}

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

type ParseArgsOption = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

/**
 * Tables as node:util parseArgs options (a number is read as a string, and checked as
 * yargs would), plus `--no-<name>` for `negatable`, which yargs understands by itself.
 */
export function parseArgsOptions(tables: ReadonlyArray<Record<string, Options>>, negatable: readonly string[]): Record<string, ParseArgsOption> {
  const options: Record<string, ParseArgsOption> = Object.fromEntries(negatable.map((name) => [`no-${name}`, { type: 'boolean' as const }]));
  for (const table of tables) {
    for (const [name, option] of Object.entries(table)) {
      options[name] = {
        type: option.type === 'boolean' ? 'boolean' : 'string',
        ...(typeof option.alias === 'string' ? { short: option.alias } : {}),
        ...(option.array ? { multiple: true } : {}),
      };
    }
  }
  return options;
}
