/** What every scan shares: config, rules, path allowlist, limits, and the stats it fills in. */
import { relative } from 'node:path';
import type { Finding } from '../findings/finding.js';
import { builtinRules } from '../rules/builtin-rules.js';
import { configRegexes, configRuleFiles, loadConfig, parseSize, type AllowlistSpec, type ConfigSpec, type LoadedConfig } from '../config/config.js';
import { assertLinearTime } from '../rules/redos.js';
import { compileRegex, compileRuleFile, loadRuleFiles, type LoadedRuleFile } from '../rules/rule-files.js';
import { ConfigError, KeyhoundError } from '../errors.js';
import { workTreeRoot } from '../git/git.js';
import { scanBudget } from '../sources/byte-budget.js';
import type { SkipReason } from '../sources/types.js';
import { expandRuleFile, type WrittenRuleFile } from '../rules/pieces.js';
import { pathFilter } from './path-filter.js';
import type { ContentLimits } from './scan-contents.js';
import { isTestPath } from './test-paths.js';
import { createSuppressor, type SuppressionOptions, type Suppressor } from './suppress.js';
import { compileRuleset, type AllowlistEntries, type Ruleset, type RulesetSpec } from './ruleset.js';
import { unknownConfigRuleIds } from './unknown-rules.js';

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

/** Budgets for archives: per archive (nested ones included) and per scan, uncompressed; ratio; nesting. */
export interface ArchiveOptions {
  maxSize?: number;
  maxTotal?: number;
  maxRatio?: number;
  maxDepth?: number;
}

export const DEFAULT_ARCHIVE_LIMITS: Required<ArchiveOptions> = { maxSize: 100 * 1024 * 1024, maxTotal: 1024 * 1024 * 1024, maxRatio: 100, maxDepth: 3 };

export interface SetupOptions extends SuppressionOptions {
  cwd?: string;
  /** The repository's root when the caller knows it (a bare repository has no work tree to find). */
  root?: string;
  /** Globs of the paths to scan (--include) and not to scan (--exclude); see path-filter.ts. */
  include?: readonly string[];
  exclude?: readonly string[];
  /** A config file; default `.keyhound.yaml` at the repository root, if present. */
  config?: string;
  maxFileSize?: number;
  /** Open archives (zip, jar, tar, gzip…) and container image tarballs: default on (`scanStaged` turns it off). */
  archives?: boolean;
  archiveLimits?: ArchiveOptions;
  /** Also scan allowlisted paths and return suppressed findings, each saying what suppressed it. */
  reportSuppressed?: boolean;
  /** Problems that do not stop the scan: unreadable files, a shallow clone, untranslatable config. */
  onWarning?: (message: string) => void;
  /** Called as the scan advances (after each file, or each commit in history modes). */
  onProgress?: (progress: Progress) => void;
  /**
   * Each finding as soon as it is final (its suppression decided: `suppressedBy` set, and
   * passed on only with reportSuppressed), in the order found, for output that streams.
   * The scan waits for what it returns (result.ts `FindingStream`). History passes each
   * secret's row once no older commit can add it, without its `history` summary, which
   * needs the whole walk (row-release.ts).
   */
  onFinding?: (finding: Finding) => void | Promise<void>;
}

export interface Progress {
  stats: ScanStats;
  findings: number;
}

export interface ScanSetup {
  /** The repository root (or the working directory outside git). */
  root: string;
  inGit: boolean;
  config?: LoadedConfig;
  /** Compiled on first use: a pre-commit hook with nothing staged never needs it. */
  readonly ruleset: Ruleset;
  /** What decides the ruleset, for a cache key, without compiling it (the built-in rules by their digest). */
  rulesIdentity(): unknown;
  /** How many rules the scan uses (known without compiling them). */
  ruleCount: number;
  /** Every rule id the rule files define, disabled ones too. */
  ruleIds: ReadonlySet<string>;
  maxFileSize: number;
  /** What binary files are opened with: the file size limit, and archives' budgets (undefined: archives off). */
  contentLimits: ContentLimits;
  /** True when --include / --exclude leave this path (relative to the root) out of the scan. */
  excluded: (pathFromRoot: string) => boolean;
  /** True when a path (relative to the root) is allowlisted by the config for every rule. */
  isPathAllowed: (pathFromRoot: string) => boolean;
  /** What allowlists a path (relative to the root), for every rule or for the given one. */
  pathAllowedBy: (pathFromRoot: string, ruleId?: string) => string | undefined;
  /** Equal for two paths that the path-based suppressions (allowlists, test code) treat alike. */
  pathSuppressionKey: (pathFromRoot: string) => string;
  suppressor: Suppressor;
  reportSuppressed: boolean;
  onWarning?: (message: string) => void;
}

export interface ScanStats {
  /** Findings suppressed by comments, allowlists, the ignore file or the baseline. */
  suppressed?: number;
  /** Files (or, for git modes, changed files) scanned. */
  files: number;
  /** Commits read, in history modes. */
  commits?: number;
  /** History with a cache: of `commits`, those the cache knew to hold nothing, so not read again. */
  cachedCommits?: number;
  /** With --shard: which share of the work this was (`K/N`). */
  shard?: string;
  /** Archives (and container images) opened; their files are counted in `files`. */
  archives?: number;
  bytes: number;
  rules: number;
  findings: number;
  durationMs: number;
  skipped: Partial<Record<SkipReason, number>>;
  warnings: string[];
}

export function emptyStats(rules: number): ScanStats {
  return { files: 0, bytes: 0, rules, findings: 0, durationMs: 0, skipped: {}, warnings: [] };
}

/** How a scan warns: into the stats (reports list them), and on to the caller as it happens. */
export function warnInto(stats: ScanStats, onWarning: ((message: string) => void) | undefined): (message: string) => void {
  return (message) => {
    stats.warnings.push(message);
    onWarning?.(message);
  };
}

export function countSkip(stats: ScanStats, reason: SkipReason): void {
  stats.skipped[reason] = (stats.skipped[reason] ?? 0) + 1;
}

/** Loads config and rules: the part every command shares. */
export async function prepareScan(options: SetupOptions): Promise<ScanSetup> {
  const cwd = options.cwd ?? process.cwd();
  const repoRoot = options.root ?? (await workTreeRoot(cwd));
  const root = repoRoot ?? cwd;
  const config = await loadConfig(root, options.config, cwd);
  for (const warning of config?.warnings ?? []) options.onWarning?.(warning);
  if (config) {
    const regexes = configRegexes(config);
    // Compiled here first, so that a broken one is named with its file (and never quoted).
    for (const regex of regexes) compileRegex(regex.source, regex.flags, regex.where, ConfigError);
    await assertLinearTime(regexes, ConfigError);
  }
  const spec = config?.spec ?? {};
  const custom = (config ? await loadRuleFiles(configRuleFiles(config), inlineRules(config)) : []).map((file) => file.spec);
  const builtin = spec.useDefault === false ? undefined : await builtinRules();
  // The built-in rules themselves are read when the ruleset is first compiled.
  const rulesetChoices = () => ({
    disabled: spec.disable ?? [],
    allowlist: allowlistEntries(spec.allowlist),
    ruleAllowlists: Object.fromEntries(Object.entries(spec.ruleAllowlists ?? {}).map(([id, entries]) => [id, allowlistEntries(entries)])),
  });
  const rulesetSpec = (): RulesetSpec => ({ files: [...(builtin?.files() ?? []), ...custom], ...rulesetChoices() });
  const allRuleIds = [...(builtin?.ids ?? []), ...custom.flatMap((file) => file.rules.map((rule) => rule.id))];
  const ruleIds = new Set(allRuleIds);
  if (config) for (const warning of unknownConfigRuleIds(relative(cwd, config.file) || config.file, spec, ruleIds)) options.onWarning?.(warning);
  const pathAllowedBy = await pathAllowlist(spec);
  const scanned = await pathFilter(options.include ?? [], options.exclude ?? []);
  const rulesWithPathAllowlists = Object.entries(spec.ruleAllowlists ?? {}).filter(([, entries]) => entries.paths?.length || entries.pathRegexes?.length).map(([id]) => id);
  const disabled = new Set(spec.disable ?? []);
  let compiled: Ruleset | undefined;
  // The config and the rule files it loads hold example keys by design: never report them.
  const ownFiles = new Set(config ? [config.file, ...configRuleFiles(config)].map((file) => relative(root, file)) : []);
  const maxFileSize = options.maxFileSize ?? (spec.maxFileSize !== undefined ? parseSize(spec.maxFileSize, 'maxFileSize') : DEFAULT_MAX_FILE_SIZE);
  return {
    root,
    inGit: repoRoot !== undefined,
    ...(config ? { config } : {}),
    get ruleset() {
      compiled ??= compileRuleset(rulesetSpec(), builtin?.keywords());
      return compiled;
    },
    rulesIdentity: () => ({ builtin: builtin?.digest() ?? null, custom, ...rulesetChoices() }),
    ruleCount: allRuleIds.filter((id) => !disabled.has(id)).length,
    ruleIds,
    maxFileSize,
    contentLimits: contentLimits(maxFileSize, options),
    excluded: (path) => scanned !== undefined && !scanned(path),
    pathAllowedBy: (path, ruleId) => (ownFiles.has(path) ? 'keyhound configuration (its rules hold example keys)' : pathAllowedBy(path, ruleId)),
    pathSuppressionKey: (path) =>
      [ownFiles.has(path), isTestPath(path), pathAllowedBy(path), ...rulesWithPathAllowlists.map((id) => pathAllowedBy(path, id))].join('\0'),
    // With --report-suppressed, allowlisted paths are scanned too, so their findings can be listed.
    isPathAllowed: (path) => ownFiles.has(path) || (!options.reportSuppressed && pathAllowedBy(path) !== undefined),
    suppressor: createSuppressor(root, cwd, options, pathAllowedBy, spec.reportLowInTests),
    reportSuppressed: options.reportSuppressed ?? false,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  };
}

function contentLimits(maxFileSize: number, options: SetupOptions): ContentLimits {
  if (options.archives === false) return { maxFileSize };
  const { maxSize, maxTotal, maxRatio, maxDepth } = { ...DEFAULT_ARCHIVE_LIMITS, ...options.archiveLimits };
  return { maxFileSize, archives: { maxSize, maxRatio, maxDepth, scanBudget: scanBudget(maxTotal) } };
}

function allowlistEntries(spec: AllowlistSpec | undefined): AllowlistEntries {
  return { regexes: spec?.regexes ?? [], lines: spec?.lines ?? [], stopwords: spec?.stopwords ?? [] };
}

/** Rules written in the config itself: provider "custom", checked like any rule file. */
function inlineRules(config: LoadedConfig): LoadedRuleFile[] {
  const rules = config.spec.rules ?? [];
  if (rules.length === 0) return [];
  const remediation = config.spec.remediation ?? 'Rotate the credential with whoever issued it, then remove it from the code and its history.';
  // Written like a rule file's rules: patterns may be fragment lists naming pieces.
  return [compileRuleFile(expandRuleFile({ provider: 'custom', remediation, rules } as WrittenRuleFile, config.file), config.file)];
}

/**
 * The config's path allowlists (global, and per rule) as one function: the reason a
 * path (relative to the root) is allowlisted, for all rules or for one, if it is.
 */
async function pathAllowlist(spec: ConfigSpec): Promise<(path: string, ruleId?: string) => string | undefined> {
  const hasPaths = (entries: AllowlistSpec | undefined) => Boolean(entries?.paths?.length || entries?.pathRegexes?.length);
  const perRule = Object.entries(spec.ruleAllowlists ?? {}).filter(([, entries]) => hasPaths(entries));
  if (!hasPaths(spec.allowlist) && perRule.length === 0) return () => undefined;
  const { default: ignore } = await import('ignore');
  const matcher = (entries: AllowlistSpec | undefined, where: string) => {
    const patterns = entries?.paths ?? [];
    // One matcher for all the globs answers most paths (not allowlisted) in one call;
    // only a path it matches is tried against each glob, to say which one.
    const any = ignore().add(patterns);
    const globs = patterns.map((pattern) => [pattern, ignore().add(pattern)] as const);
    const regexes = (entries?.pathRegexes ?? []).map((source, i) => compileRegex(source, '', `${where}.pathRegexes[${i}]`, ConfigError));
    return (path: string) =>
      (patterns.length && any.ignores(path) ? globs.find(([, one]) => one.ignores(path))?.[0] : undefined) ??
      regexes.find((regex) => regex.test(path))?.source;
  };
  const globalMatch = matcher(spec.allowlist, 'allowlist');
  const ruleMatch = new Map(perRule.map(([id, entries]) => [id, matcher(entries, `ruleAllowlists.${id}`)]));
  return (path, ruleId) => {
    if (path === '' || path.startsWith('..')) return undefined;
    const pattern = globalMatch(path);
    if (pattern !== undefined) return `allowlist path ${pattern}`;
    const rulePattern = ruleId === undefined ? undefined : ruleMatch.get(ruleId)?.(path);
    return rulePattern === undefined ? undefined : `rule ${ruleId} allowlist path ${rulePattern}`;
  };
}

/** Git modes need a repository; say so plainly when there is none. */
export function requireRepository(setup: ScanSetup): void {
  if (!setup.inGit) throw new KeyhoundError(`not a git repository: ${setup.root} (use \`keyhound scan\` for a plain directory)`);
}

/** The allowlist check for an absolute path on disk. */
export function isAbsolutePathAllowed(setup: ScanSetup, absolute: string): boolean {
  return setup.isPathAllowed(relative(setup.root, absolute));
}
