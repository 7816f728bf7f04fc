/**
 * `keyhound merge`: json reports of shards, or of many repositories, as one. Pure:
 * parsed reports in, one report out (the command reads the files and writes the result).
 *
 * Reports are grouped by repository (their `repository` field). Within one, a history
 * secret is one row, as in a single run: the earliest introduction (the highest
 * `history.position`) wins, with the commits and paths of every shard's row added up.
 * A scan finding is one row per place, as scan reports it (a file is in one shard only).
 * Across repositories nothing is merged: a key leaked in two is two rows, each naming its
 * repository.
 */
import type { IgnoreEntry } from '../config/ignore-file.js';
import { KeyhoundError } from '../errors.js';
import type { Finding, HistoryOccurrences } from '../findings/finding.js';
import { compareFindings } from '../scan/result.js';
import type { ScanStats } from '../scan/setup.js';

/** A json report as keyhound writes it (`--format json`). */
export interface JsonReport {
  version: number;
  repository?: string;
  revision?: string;
  findings: Finding[];
  stats: ScanStats;
  suppressed?: Finding[];
  staleIgnores?: IgnoreEntry[];
}

/** One repository's part of a merged report. */
export interface RepositorySection {
  repository: string;
  revision?: string;
  /** The shards merged (`K/N`), when the reports came from --shard runs. */
  shards?: string[];
  reports: number;
  findings: number;
  stats: ScanStats;
}

export interface MergedReport {
  findings: Finding[];
  stats: ScanStats;
  suppressed?: Finding[];
  staleIgnores?: IgnoreEntry[];
  repositories: RepositorySection[];
}

/** What a report without a `repository` field (written before it existed, or outside git) is grouped under. */
export const UNNAMED = '(unnamed)';

/** Checks the shape of a parsed report; `name` (its file) names it in the error. */
export function asJsonReport(value: unknown, name: string): JsonReport {
  const report = value as Partial<JsonReport> | null;
  if (typeof report !== 'object' || report === null || !Array.isArray(report.findings) || typeof report.stats !== 'object' || report.stats === null) {
    throw new KeyhoundError(`${name}: not a keyhound json report (write one with --format json)`);
  }
  if (report.version !== 1) throw new KeyhoundError(`${name}: json report version ${String(report.version)}, this keyhound reads version 1`);
  return report as JsonReport;
}

/** Merges reports; `names` (their files, same order) name them in errors. */
export function mergeReports(reports: readonly JsonReport[], names: readonly string[]): MergedReport {
  const groups = new Map<string, Array<{ report: JsonReport; name: string }>>();
  reports.forEach((report, index) => {
    const key = report.repository ?? UNNAMED;
    groups.set(key, [...(groups.get(key) ?? []), { report, name: names[index] ?? `report ${index + 1}` }]);
  });
  const tagged = groups.size > 1;
  const sections: RepositorySection[] = [];
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  let anySuppressed = false;
  let staleIgnores: IgnoreEntry[] | undefined;
  for (const [repository, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const shards = checkShards(repository, members.map(({ report, name }) => ({ shard: report.stats.shard, name })));
    const own = deduplicate(members.flatMap(({ report }) => report.findings));
    const ownSuppressed = deduplicate(members.flatMap(({ report }) => report.suppressed ?? []));
    anySuppressed ||= members.some(({ report }) => report.suppressed);
    const tag = (finding: Finding): Finding => (tagged ? ({ ...finding, repository } as Finding) : finding);
    findings.push(...own.map(tag));
    suppressed.push(...ownSuppressed.map(tag));
    const stats = addStats(members.map(({ report }) => report.stats), own.length, ownSuppressed.length);
    const revisions = [...new Set(members.map(({ report }) => report.revision).filter((revision) => revision !== undefined))];
    sections.push({
      repository, ...(revisions.length === 1 ? { revision: revisions[0]! } : {}), ...(shards ? { shards } : {}), reports: members.length, findings: own.length, stats,
    });
    // An ignore entry is stale only if no shard used it.
    for (const { report } of members) if (report.staleIgnores) staleIgnores = staleIgnores ? common(staleIgnores, report.staleIgnores) : report.staleIgnores;
  }
  return {
    findings,
    stats: addStats(sections.map((section) => section.stats), findings.length, suppressed.length),
    ...(anySuppressed ? { suppressed } : {}),
    ...(staleIgnores ? { staleIgnores } : {}),
    repositories: sections,
  };
}

/** Shards of one repository (`shard`: each report's `stats.shard`): all of 1..N, each once, or an error saying which is missing or twice. */
export function checkShards(repository: string, members: ReadonlyArray<{ shard: string | undefined; name: string }>): string[] | undefined {
  const sharded = members.filter(({ shard }) => shard !== undefined);
  if (sharded.length === 0) return undefined;
  const counts = new Set(sharded.map(({ shard }) => shard!.split('/')[1]));
  const whole = members.find(({ shard }) => shard === undefined);
  if (whole || counts.size > 1) {
    throw new KeyhoundError(`${repository}: ${whole ? `${whole.name} is a whole run, the others shards` : 'shards of different splits (K/N with different N)'}: merge the reports of one split`);
  }
  const count = Number([...counts][0]);
  const seen = new Map<string, string>();
  for (const { shard = '', name } of sharded) {
    if (seen.has(shard)) throw new KeyhoundError(`${repository}: shard ${shard} twice (${seen.get(shard)} and ${name})`);
    seen.set(shard, name);
  }
  const missing = Array.from({ length: count }, (_, i) => `${i + 1}/${count}`).filter((shard) => !seen.has(shard));
  if (missing.length) throw new KeyhoundError(`${repository}: shard ${missing.join(', ')} missing (a merge of shards must have every one)`);
  return [...seen.keys()].sort((a, b) => Number(a.split('/')[0]) - Number(b.split('/')[0]));
}

/**
 * One row per secret for history findings (the earliest introduction, occurrences added
 * up), one per place for the rest.
 */
function deduplicate(all: readonly Finding[]): Finding[] {
  const rows = new Map<string, Finding>();
  for (const finding of all) {
    const key = finding.history ? `${finding.ruleId}\0${finding.fingerprint}` : `${finding.fingerprint}\0${finding.file}\0${finding.line}\0${finding.column}`;
    const kept = rows.get(key);
    if (!kept) rows.set(key, finding);
    else if (kept.history && finding.history) rows.set(key, joinHistory(kept, finding));
  }
  return [...rows.values()].sort(compareFindings);
}

function joinHistory(a: Finding, b: Finding): Finding {
  const [earliest, joined] = joinOccurrences(a.history!, b.history!);
  return { ...(earliest === a.history ? a : b), history: joined } as Finding;
}

/** Two shards' occurrences of one secret: which is the earliest introduction, and both added up. */
export function joinOccurrences(a: HistoryOccurrences, b: HistoryOccurrences): [HistoryOccurrences, HistoryOccurrences] {
  const [earliest, later] = (b.position ?? -1) > (a.position ?? -1) ? [b, a] : [a, b];
  return [
    earliest,
    {
      ...earliest,
      commits: earliest.commits + later.commits,
      paths: [...new Set([...earliest.paths, ...later.paths])].sort(),
      presentAtHead: earliest.presentAtHead || later.presentAtHead,
    },
  ];
}

function common(a: readonly IgnoreEntry[], b: readonly IgnoreEntry[]): IgnoreEntry[] {
  return a.filter((entry) => b.some((other) => other.fingerprint === entry.fingerprint && other.line === entry.line));
}

/**
 * Stats of parts run side by side: counts added up, the longest duration, each warning
 * once. `other-shard` skips are left out: together the shards scanned those files.
 */
export function addStats(parts: readonly ScanStats[], findings: number, suppressed: number): ScanStats {
  const sum = (pick: (stats: ScanStats) => number | undefined): number | undefined =>
    parts.some((stats) => pick(stats) !== undefined) ? parts.reduce((total, stats) => total + (pick(stats) ?? 0), 0) : undefined;
  const skipped: ScanStats['skipped'] = {};
  for (const stats of parts) {
    for (const [reason, count] of Object.entries(stats.skipped) as Array<[keyof ScanStats['skipped'], number]>) {
      if (reason !== 'other-shard') skipped[reason] = (skipped[reason] ?? 0) + count;
    }
  }
  const optional = { commits: sum((s) => s.commits), cachedCommits: sum((s) => s.cachedCommits), archives: sum((s) => s.archives) };
  return {
    files: sum((s) => s.files) ?? 0,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    bytes: sum((s) => s.bytes) ?? 0,
    rules: Math.max(0, ...parts.map((s) => s.rules)),
    findings,
    suppressed,
    durationMs: Math.max(0, ...parts.map((s) => s.durationMs)),
    skipped,
    warnings: [...new Set(parts.flatMap((s) => s.warnings))],
  };
}
