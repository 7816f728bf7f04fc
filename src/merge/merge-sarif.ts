/**
 * `keyhound merge` of SARIF reports (`--format sarif`): the same merge as for json, on
 * SARIF's own terms. Runs are grouped by repository (`versionControlProvenance`); each
 * group becomes one run: the rules of all, each result once (a history secret at its
 * earliest introduction, by `properties.history.position`), the stats added up.
 */
import { SEVERITIES, type Severity } from '../engine/types.js';
import { KeyhoundError } from '../errors.js';
import { SECURITY_SEVERITY } from '../report/sarif.js';
import type { HistoryOccurrences } from '../findings/finding.js';
import type { ScanStats } from '../scan/setup.js';
import { addStats, checkShards, joinOccurrences, UNNAMED } from './merge-reports.js';

interface SarifRule {
  id: string;
  defaultConfiguration?: { level?: string };
  properties?: { 'security-severity'?: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number; startColumn?: number } } }>;
  partialFingerprints?: Record<string, string>;
  properties?: { history?: HistoryOccurrences; [key: string]: unknown };
  [key: string]: unknown;
}

interface SarifRun {
  tool: { driver: { rules?: SarifRule[]; [key: string]: unknown } };
  invocations?: Array<{ executionSuccessful?: boolean; toolExecutionNotifications?: unknown[]; [key: string]: unknown }>;
  versionControlProvenance?: Array<{ repositoryUri?: string; revisionId?: string }>;
  results: SarifResult[];
  properties?: { stats?: ScanStats; [key: string]: unknown };
  [key: string]: unknown;
}

export interface SarifLog {
  $schema?: string;
  version: string;
  runs: SarifRun[];
}

export function isSarif(value: unknown): value is SarifLog {
  const log = value as Partial<SarifLog> | null;
  return typeof log === 'object' && log !== null && log.version === '2.1.0' && Array.isArray(log.runs);
}

/** Checks that every run is keyhound's, with its stats; `name` (the file) names it in the error. */
export function asSarifLog(log: SarifLog, name: string): SarifLog {
  for (const run of log.runs) {
    if (run?.tool?.driver?.name !== 'keyhound' || !Array.isArray(run.results) || typeof run.properties?.stats !== 'object') {
      throw new KeyhoundError(`${name}: not a SARIF report of keyhound's (write one with --format sarif)`);
    }
  }
  return log;
}

export function mergeSarif(logs: readonly SarifLog[], names: readonly string[]): SarifLog {
  const groups = new Map<string, Array<{ run: SarifRun; name: string }>>();
  logs.forEach((log, index) => {
    for (const run of log.runs) {
      const key = run.versionControlProvenance?.[0]?.repositoryUri ?? UNNAMED;
      groups.set(key, [...(groups.get(key) ?? []), { run, name: names[index] ?? `report ${index + 1}` }]);
    }
  });
  const runs = [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([repository, members]) => {
    checkShards(repository, members.map(({ run, name }) => ({ shard: run.properties!.stats!.shard, name })));
    return mergeRuns(members.map(({ run }) => run));
  });
  return { $schema: logs[0]?.$schema ?? 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs };
}

function mergeRuns(runs: readonly SarifRun[]): SarifRun {
  const rules = new Map<string, SarifRule>();
  for (const run of runs) for (const rule of run.tool.driver.rules ?? []) if (!rules.has(rule.id)) rules.set(rule.id, rule);
  const ids = [...rules.keys()].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const rows = new Map<string, SarifResult>();
  for (const result of runs.flatMap((run) => run.results)) {
    const history = result.properties?.history;
    const where = result.locations?.[0]?.physicalLocation;
    const key = `${result.ruleId}\0${result.partialFingerprints?.['keyhound/v1'] ?? ''}${history ? '' : `\0${where?.artifactLocation?.uri}\0${where?.region?.startLine}\0${where?.region?.startColumn}`}`;
    const kept = rows.get(key);
    if (!kept) rows.set(key, result);
    else if (kept.properties?.history && history) {
      const [earliest, joined] = joinOccurrences(kept.properties.history, history);
      const chosen = earliest === history ? result : kept;
      rows.set(key, { ...chosen, properties: { ...chosen.properties, history: joined } });
    }
  }
  const results = [...rows.values()].map((result) => ({ ...result, ruleIndex: index.get(result.ruleId)! }));
  const stats = addStats(runs.map((run) => run.properties!.stats!), results.filter((result) => !('suppressions' in result)).length, results.filter((result) => 'suppressions' in result).length);
  const [first] = runs;
  const notifications = [...new Map(runs.flatMap((run) => run.invocations?.[0]?.toolExecutionNotifications ?? []).map((note) => [JSON.stringify(note), note])).values()];
  return {
    ...first!,
    tool: { driver: { ...first!.tool.driver, rules: ids.map((id) => rules.get(id)!) } },
    invocations: [
      {
        ...first!.invocations?.[0],
        executionSuccessful: runs.every((run) => run.invocations?.[0]?.executionSuccessful !== false),
        ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
      },
    ],
    results,
    properties: { ...first!.properties, stats },
  };
}

/**
 * Whether an unsuppressed result is at or above the threshold, by its rule's
 * security-severity; a note on a rule that is no note is an informative finding, which
 * never fails.
 */
export function sarifFailsOn(log: SarifLog, threshold: Severity): boolean {
  const worst = SEVERITIES.indexOf(threshold);
  const severityOf = new Map(Object.entries(SECURITY_SEVERITY).map(([severity, score]) => [score, severity as Severity]));
  return log.runs.some((run) =>
    run.results.some((result) => {
      const rule = run.tool.driver.rules?.[result.ruleIndex ?? -1];
      if ('suppressions' in result || !rule) return false;
      if (result.level === 'note' && rule.defaultConfiguration?.level !== 'note') return false;
      const severity = severityOf.get(rule.properties?.['security-severity'] ?? '') ?? 'low';
      return SEVERITIES.indexOf(severity) <= worst;
    }),
  );
}
