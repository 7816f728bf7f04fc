/** What every scan shares: config, rules, path allowlist, limits, and the stats it fills in. */
import { relative } from 'node:path';
import { builtinRuleFiles } from '../config/builtin-rules.js';
import { configRuleFiles, loadConfig, parseSize, type LoadedConfig } from '../config/config.js';
import { loadRuleFiles } from '../config/rule-files.js';
import { KeyhoundError } from '../errors.js';
import { workTreeRoot } from '../git/git.js';
import type { SkipReason } from '../sources/types.js';
import { compileRuleset, type Ruleset, type RulesetSpec } from './ruleset.js';

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

export interface SetupOptions {
  cwd?: string;
  /** A config file; default `.keyhound.yaml` at the repository root, if present. */
  config?: string;
  maxFileSize?: number;
}

export interface ScanSetup {
  /** The repository root (or the working directory outside git). */
  root: string;
  inGit: boolean;
  config?: LoadedConfig;
  ruleset: Ruleset;
  maxFileSize: number;
  /** True when a path (relative to the root) is allowlisted by the config. */
  isPathAllowed: (pathFromRoot: string) => boolean;
}

export interface ScanStats {
  /** Files (or, for git modes, changed files) scanned. */
  files: number;
  /** Commits read, in history modes. */
  commits?: number;
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

export function countSkip(stats: ScanStats, reason: SkipReason): void {
  stats.skipped[reason] = (stats.skipped[reason] ?? 0) + 1;
}

/** Loads config and rules: the part every command shares. */
export async function prepareScan(options: SetupOptions): Promise<ScanSetup> {
  const cwd = options.cwd ?? process.cwd();
  const repoRoot = await workTreeRoot(cwd);
  const root = repoRoot ?? cwd;
  const config = await loadConfig(root, options.config);
  const spec = config?.spec ?? {};
  const custom = config ? await loadRuleFiles(configRuleFiles(config)) : [];
  const rulesetSpec: RulesetSpec = {
    files: [...(spec.useDefault === false ? [] : await builtinRuleFiles()), ...custom.map((file) => file.spec)],
    disabled: spec.disable ?? [],
    allowlist: { regexes: spec.allowlist?.regexes ?? [], stopwords: spec.allowlist?.stopwords ?? [] },
  };
  const allowedPaths = spec.allowlist?.paths ?? [];
  const pathMatcher = allowedPaths.length ? (await import('ignore')).default().add(allowedPaths) : undefined;
  const maxFileSize = options.maxFileSize ?? (spec.maxFileSize !== undefined ? parseSize(spec.maxFileSize, 'maxFileSize') : DEFAULT_MAX_FILE_SIZE);
  return {
    root,
    inGit: repoRoot !== undefined,
    ...(config ? { config } : {}),
    ruleset: compileRuleset(rulesetSpec),
    maxFileSize,
    isPathAllowed: (path) => pathMatcher !== undefined && path !== '' && !path.startsWith('..') && pathMatcher.ignores(path),
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
