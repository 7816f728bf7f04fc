/** The library API: the same pipeline as the CLI, as functions. */
export { scan, type ScanOptions, type ScanResult, type ScanStats } from './scan/scan.js';
export { rawSecret, type Finding } from './findings/finding.js';
export { createDetector, type Detector } from './engine/detect.js';
export { loadRuleFiles, parseRuleFile } from './rules/rule-files.js';
export { checkExamples } from './rules/self-test.js';
export { ConfigError, KeyhoundError, RuleError } from './errors.js';
export { GitError } from './git/git.js';
export { FORMATTERS, type FormatName } from './report/index.js';
export type { Rule, RuleSpec, RuleFileSpec, Severity, RawFinding } from './engine/types.js';
export { scanStaged } from './scan/staged.js';
export { scanHistory, type HistoryOptions } from './scan/history.js';
export { parseShard, type Shard } from './scan/shard.js';
export { mergeReports, type JsonReport, type MergedReport, type RepositorySection } from './merge/merge-reports.js';
