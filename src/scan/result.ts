/** What every scan returns, and the last step they share: suppressions, order, stats. */
import type { IgnoreEntry } from '../config/ignore-file.js';
import type { Rule } from '../engine/types.js';
import { useSalt, type Finding } from '../findings/finding.js';
import type { ScanSetup, ScanStats } from './setup.js';
import { partition } from './suppress.js';
import { unknownInlineRuleIds } from './unknown-rules.js';
import { now } from '../builtins.js';

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

/**
 * The findings of a scan, each also passed on (onFinding) as soon as its suppression is
 * decided, in the order found: for output that streams. finishScan decides them all
 * again at the end (the same answer), sorts and counts.
 */
export class FindingStream {
  readonly all: Finding[] = [];
  private passed: Promise<void> = Promise.resolve();

  constructor(
    private readonly setup: ScanSetup,
    private readonly toRoot: (file: string) => string,
    private readonly onFinding: ((finding: Finding) => void | Promise<void>) | undefined,
  ) {}

  add(finding: Finding): void {
    this.all.push(finding);
    const { onFinding, setup } = this;
    if (!onFinding) return;
    this.passed = this.passed.then(async () => {
      useSalt([finding], setup.suppressor.salt);
      await setup.suppressor.prepare([finding]);
      const { findings } = partition([finding], setup.suppressor, this.toRoot);
      if (findings.length || setup.reportSuppressed) await onFinding(finding);
    });
  }

  /** Waits until every finding so far has been passed on. */
  flush(): Promise<void> {
    return this.passed;
  }

  /** The whole result, once every finding has been passed on. */
  async finish(stats: ScanStats, started: number): Promise<ScanResult> {
    await this.passed;
    return finishScan(this.all, this.setup, stats, started, this.toRoot);
  }
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
  stats.durationMs = Math.round(now() - started);
  const ruleFor = (ruleId: string) => setup.ruleset.byId.get(ruleId);
  if (!setup.reportSuppressed) return { findings, stats, ruleFor };
  return { findings, stats, suppressed, staleIgnores: setup.suppressor.staleIgnores(), ruleFor };
}
