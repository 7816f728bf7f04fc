/** What every scan returns, and the last step they share: suppressions, order, stats. */
import type { IgnoreEntry } from '../config/ignore-file.js';
import type { Rule } from '../engine/types.js';
import { useSalt, type Finding } from '../findings/finding.js';
import type { ScanSetup, ScanStats } from './setup.js';
import { partition } from './suppress.js';
import { unknownInlineRuleIds } from './unknown-rules.js';

export interface ScanResult {
  findings: Finding[];
  stats: ScanStats;
  /** With reportSuppressed: the suppressed findings, each with `suppressedBy`. */
  suppressed?: Finding[];
  /** With reportSuppressed: ignore-file entries that matched nothing (stale). */
  staleIgnores?: IgnoreEntry[];
  /** The rule behind a finding's ruleId (for --verify); compiles the rules only when asked. */
  ruleFor?: (ruleId: string) => Rule | undefined;
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}

/**
 * Gives the findings the salt of the repository's files, applies the suppressions,
 * sorts, fills in the final stats, and warns of allow comments naming no rule.
 */
export async function finishScan(all: Finding[], setup: ScanSetup, stats: ScanStats, started: number, toRoot: (file: string) => string): Promise<ScanResult> {
  useSalt(all, setup.suppressor.salt);
  await setup.suppressor.prepare(all);
  const { findings, suppressed } = partition(all, setup.suppressor, toRoot);
  for (const notice of setup.suppressor.notices()) {
    stats.warnings.push(notice);
    setup.onWarning?.(notice);
  }
  findings.sort(compareFindings);
  suppressed.sort(compareFindings);
  stats.findings = findings.length;
  stats.suppressed = suppressed.length;
  for (const warning of unknownInlineRuleIds(findings, setup.ruleIds)) {
    stats.warnings.push(warning);
    setup.onWarning?.(warning);
  }
  stats.durationMs = Math.round(performance.now() - started);
  const ruleFor = (ruleId: string) => setup.ruleset.byId.get(ruleId);
  if (!setup.reportSuppressed) return { findings, stats, ruleFor };
  return { findings, stats, suppressed, staleIgnores: setup.suppressor.staleIgnores(), ruleFor };
}
