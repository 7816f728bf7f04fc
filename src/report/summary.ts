/** Human-readable sizes, durations and the one-line summary shared by the text reports. */
import type { Finding } from '../findings/finding.js';
import { SEVERITIES } from '../engine/types.js';
import type { ScanStats } from '../scan/setup.js';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function severityCounts(findings: readonly Finding[]): string {
  return SEVERITIES.map((severity) => [severity, findings.filter((f) => f.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`)
    .join(', ');
}

export function skippedSummary(stats: ScanStats): string {
  const parts = Object.entries(stats.skipped).map(([reason, count]) => `${count} ${reason}`);
  return parts.length ? ` · skipped: ${parts.join(', ')}` : '';
}

/** The summary names this many rules; the rest are counted. */
const TOP_RULES = 5;

/** `github-pat-classic 2, aws-access-key-id 1`: the rules that fired, most findings first (the top few, then how many more). */
export function ruleCounts(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.ruleId, (counts.get(finding.ruleId) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const named = ranked.slice(0, TOP_RULES).map(([id, count]) => `${id} ${count}`);
  const more = ranked.length - TOP_RULES;
  return more > 0 ? `${named.join(', ')} and ${plural(more, 'more rule')}` : named.join(', ');
}

/** Leaks are what must be rotated; informative findings (public keys, a credential's user or host) are notes. */
export function leaksOf(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => !finding.informative);
}

/** What the history cache answered: every commit (the last result given again, or each commit known clean), or some. */
function fromCache(stats: ScanStats): string {
  const { commits = 0, cachedCommits = 0 } = stats;
  if (!cachedCommits) return '';
  return cachedCommits === commits && stats.files === 0 ? ' (nothing new since the last run)' : ` (${cachedCommits} known clean from the cache)`;
}

export function summaryLine(findings: readonly Finding[], stats: ScanStats): string {
  const commits = stats.commits !== undefined ? `${plural(stats.commits, 'commit')}${fromCache(stats)}, ` : '';
  const throughput = stats.durationMs > 0 && stats.bytes > 0 ? ` (${formatBytes(Math.round((stats.bytes * 1000) / stats.durationMs))}/s)` : '';
  const archives = stats.archives ? ` (${plural(stats.archives, 'archive')} opened)` : '';
  const scanned = `${commits}${plural(stats.files, 'file')}${archives}, ${formatBytes(stats.bytes)}, ${formatSeconds(stats.durationMs)}${throughput}`;
  const leaks = leaksOf(findings);
  const notes = findings.length - leaks.length;
  const head = leaks.length ? `${plural(leaks.length, 'leak')} found (${severityCounts(leaks)}; ${ruleCounts(leaks)})` : 'no leaks found';
  const noted = notes ? ` · ${plural(notes, 'note')} (public keys, users, hosts: not secrets)` : '';
  const suppressed = stats.suppressed ? ` · ${stats.suppressed} suppressed` : '';
  return `${head} in ${scanned}${noted}${suppressed}${skippedSummary(stats)}`;
}
