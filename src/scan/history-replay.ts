/**
 * A history rescan with nothing new, answered with the last run's result. When no ref
 * has moved (nor HEAD, a shallow boundary or grafts) and the rules, config, options,
 * ignore file and baseline are those it ran with, the result is the same: it is kept
 * beside the commit cache (`result.json`, under the same key) and given again, so the
 * rescan reads no commit. It holds what a json report holds (redacted secrets, masked
 * lines, fingerprints, paths), never a raw secret. Only the `history` command asks for
 * it, and never with --show-secrets or --verify, which need the raw secret: the
 * findings it gives back are a report's, not ones made from git.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { now, sha256 } from '../builtins.js';
import { prepareFingerprints } from '../findings/finding.js';
import { streamGitLines, type Repository } from '../git/git.js';
import type { KeptText } from './history-cache.js';
import type { ScanResult } from './result.js';
import type { ScanSetup } from './setup.js';

export const RESULT_FILE = 'result.json';

/** Every ref and HEAD (`git show-ref --head`); undefined when git cannot say. */
export async function listRefs(repo: string): Promise<string | undefined> {
  let refs = '';
  const result = await streamGitLines(repo, ['show-ref', '--head'], (line) => void (refs += `${line}\n`));
  // Exit 1: no ref at all (an empty repository).
  return result.code <= 1 ? refs : undefined;
}

/** What decides a history result beside the cache's key: the refs, the shallow boundary and grafts, the suppressions' files, and `scope` (the options that choose the commits). */
export function resultState(repository: Repository, refs: string, setup: ScanSetup, scope: Record<string, unknown>): string {
  const text = (file: string): string | null => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  };
  return sha256(JSON.stringify({
    refs,
    shallow: text(repository.shallowFile),
    grafts: text(join(repository.commonDir, 'info', 'grafts')),
    suppressions: setup.suppressor.files.map((file) => [file, text(file)]),
    scope,
  }));
}

interface KeptResult {
  state: string;
  result: Omit<ScanResult, 'ruleFor'>;
}

/** The kept result when it was made in this state, with this run's stats: no commit read, each one answered by the cache. */
export function replayResult(kept: KeptText, state: string, setup: ScanSetup, started: number): ScanResult | undefined {
  const text = kept.read();
  if (text === undefined) return undefined;
  let saved: KeptResult;
  try {
    saved = JSON.parse(text) as KeptResult;
  } catch {
    return undefined;
  }
  if (saved.state !== state || !Array.isArray(saved.result?.findings)) return undefined;
  const { stats } = saved.result;
  for (const warning of stats.warnings) setup.onWarning?.(warning);
  return {
    ...saved.result,
    stats: { ...stats, files: 0, bytes: 0, skipped: {}, cachedCommits: stats.commits ?? 0, durationMs: Math.round(now() - started) },
    ruleFor: (ruleId) => setup.ruleset.byId.get(ruleId),
  };
}

/**
 * Keeps the result for a rescan in the same state (its slow fingerprints computed first,
 * on every core), without `leaveOut`: warnings about this run's own cache files.
 */
export async function keepResult(kept: KeptText, state: string, result: ScanResult, leaveOut: readonly string[]): Promise<void> {
  await prepareFingerprints([...result.findings, ...(result.suppressed ?? [])]);
  const { ruleFor: _ruleFor, stats, ...rest } = result;
  const warnings = stats.warnings.filter((warning) => !leaveOut.includes(warning));
  kept.write(JSON.stringify({ state, result: { ...rest, stats: { ...stats, warnings } } } satisfies KeptResult));
}
