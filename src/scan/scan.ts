/**
 * The working-tree scan: source → detector → filters → findings. The CLI's `scan`
 * command and the library's `scan()` are this function.
 */
import { relative } from 'node:path';
import ignore from 'ignore';
import { builtinRuleFiles } from '../config/builtin-rules.js';
import { configRuleFiles, loadConfig, parseSize, type LoadedConfig } from '../config/config.js';
import { loadRuleFiles } from '../config/rule-files.js';
import { makeFinding, type Finding } from '../findings.js';
import { workTreeRoot } from '../git/git.js';
import type { SkipReason } from '../sources/types.js';
import { listTargets, type ScanTarget } from '../sources/worktree.js';
import { defaultWorkerCount, scanFilesInWorkers } from './pool.js';
import { compileRuleset, type Ruleset, type RulesetSpec } from './ruleset.js';
import { scanFile, scanText, type FileResult } from './scan-file.js';

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/** Below this many files, starting worker threads costs more than it saves. */
const POOL_THRESHOLD = 256;

export interface ScanOptions {
  /** Files and directories to scan; default the current directory. */
  paths?: string[];
  /** Text to scan as if it were a file named `<stdin>` (the CLI passes `-` here). */
  stdin?: string;
  cwd?: string;
  /** A config file; default `.keyhound.yaml` at the repository root, if present. */
  config?: string;
  maxFileSize?: number;
  /** Worker threads; 0 scans on the main thread. Default: one per core. */
  workers?: number;
  onWarning?: (message: string) => void;
}

export interface ScanStats {
  files: number;
  bytes: number;
  rules: number;
  findings: number;
  durationMs: number;
  skipped: Partial<Record<SkipReason, number>>;
  warnings: string[];
}

export interface ScanResult {
  findings: Finding[];
  stats: ScanStats;
}

export interface ScanSetup {
  root: string;
  config?: LoadedConfig;
  ruleset: Ruleset;
  maxFileSize: number;
  isPathAllowed: (absolute: string) => boolean;
}

/** Loads config and rules: the part every command shares. */
export async function prepareScan(options: { cwd?: string; config?: string; maxFileSize?: number }): Promise<ScanSetup> {
  const cwd = options.cwd ?? process.cwd();
  const root = (await workTreeRoot(cwd)) ?? cwd;
  const config = await loadConfig(root, options.config);
  const spec = config?.spec ?? {};
  const custom = config ? await loadRuleFiles(configRuleFiles(config)) : [];
  const rulesetSpec: RulesetSpec = {
    files: [...(spec.useDefault === false ? [] : builtinRuleFiles()), ...custom.map((file) => file.spec)],
    disabled: spec.disable ?? [],
    allowlist: { regexes: spec.allowlist?.regexes ?? [], stopwords: spec.allowlist?.stopwords ?? [] },
  };
  const pathMatcher = ignore().add(spec.allowlist?.paths ?? []);
  const maxFileSize = options.maxFileSize ?? (spec.maxFileSize !== undefined ? parseSize(spec.maxFileSize, 'maxFileSize') : DEFAULT_MAX_FILE_SIZE);
  return {
    root,
    ...(config ? { config } : {}),
    ruleset: compileRuleset(rulesetSpec),
    maxFileSize,
    isPathAllowed: (absolute) => {
      const path = relative(root, absolute);
      return path !== '' && !path.startsWith('..') && pathMatcher.ignores(path);
    },
  };
}

export async function scan(options: ScanOptions = {}): Promise<ScanResult> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const setup = await prepareScan(options);
  const { ruleset, maxFileSize } = setup;
  const stats: ScanStats = { files: 0, bytes: 0, rules: ruleset.rules.length, findings: 0, durationMs: 0, skipped: {}, warnings: [] };
  const findings: Finding[] = [];
  const skip = (reason: SkipReason): void => {
    stats.skipped[reason] = (stats.skipped[reason] ?? 0) + 1;
  };

  const listed = options.paths?.length || options.stdin === undefined ? await listTargets(options.paths?.length ? options.paths : ['.'], cwd) : [];
  const targets: ScanTarget[] = [];
  for (const target of listed) {
    if (setup.isPathAllowed(target.absolute)) skip('allowlisted');
    else targets.push(target);
  }

  const collect = (result: FileResult): void => {
    if (result.skip) {
      skip(result.skip.reason);
      if (result.skip.warning) {
        stats.warnings.push(result.skip.warning);
        options.onWarning?.(result.skip.warning);
      }
      return;
    }
    stats.files += 1;
    stats.bytes += result.bytes;
    for (const raw of result.findings) findings.push(makeFinding(ruleset.byId.get(raw.ruleId)!, raw, result.target.shown, 1));
  };

  const workers = options.workers ?? defaultWorkerCount();
  if (workers > 0 && targets.length >= POOL_THRESHOLD) {
    await scanFilesInWorkers(targets, ruleset.spec, maxFileSize, workers, collect);
  } else {
    for (const target of targets) collect(scanFile(target, ruleset.detector, maxFileSize));
  }
  if (options.stdin !== undefined) {
    stats.files += 1;
    stats.bytes += Buffer.byteLength(options.stdin);
    for (const raw of scanText(options.stdin, ruleset.detector)) findings.push(makeFinding(ruleset.byId.get(raw.ruleId)!, raw, '<stdin>', 1));
  }

  findings.sort(compareFindings);
  stats.findings = findings.length;
  stats.durationMs = Math.round(performance.now() - started);
  return { findings, stats };
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}
