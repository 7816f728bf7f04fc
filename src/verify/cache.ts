/**
 * Verification results remembered for a while, so an auditor's second run does not ask
 * every provider again. Keyed by the finding's fingerprint (never the secret); only
 * definite answers (live, revoked) are kept, each for `ttlMs`. Written whole or not at
 * all; a file that does not parse is started afresh.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Finding, Verification } from '../findings/finding.js';

export interface VerifyCache {
  get(finding: Finding): Verification | undefined;
  set(finding: Finding, verification: Verification): void;
  save(): Promise<void>;
}

export const VERIFY_TTL_MS = 24 * 60 * 60 * 1000;

export function defaultVerifyCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'keyhound', 'verify-v1.json');
}

type Entries = Record<string, Verification>;

export function fileVerifyCache(file: string, ttlMs = VERIFY_TTL_MS, now: () => number = Date.now): VerifyCache {
  let entries: Entries = {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object') entries = parsed as Entries;
  } catch {
    // No cache yet, or one that does not parse: start afresh.
  }
  const key = (finding: Finding) => `${finding.ruleId}:${finding.fingerprint}`;
  let changed = false;
  return {
    get(finding) {
      const entry = entries[key(finding)];
      if (!entry || typeof entry.checkedAt !== 'string') return undefined;
      return now() - Date.parse(entry.checkedAt) < ttlMs ? entry : undefined;
    },
    set(finding, verification) {
      entries[key(finding)] = verification;
      changed = true;
    },
    async save() {
      if (!changed) return;
      const fresh = Object.fromEntries(Object.entries(entries).filter(([, entry]) => now() - Date.parse(entry.checkedAt) < ttlMs));
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(`${file}.partial`, `${JSON.stringify(fresh)}\n`, { mode: 0o600 });
        renameSync(`${file}.partial`, file);
      } catch {
        // A cache that cannot be written costs a second request next time, nothing more.
      }
    },
  };
}
