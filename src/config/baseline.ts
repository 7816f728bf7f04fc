/**
 * Baselines: the findings a team has already triaged, so that a scan reports only
 * new ones. The file holds hashes, never secrets, and no line numbers or timestamps:
 * sorted and deduplicated, so writing it twice gives the same bytes and merges are easy.
 * Its `salt` salts the fingerprints of guessable secrets (fingerprints.ts); a baseline
 * without one was written before keyhound salted them, and still matches.
 */
import { createHash } from '../builtins.js';
import { ConfigError } from '../errors.js';
import { SALT_PATTERN } from '../findings/fingerprints.js';
import { fingerprintWith, hasGuessableSecret, legacyFingerprint, prepareFingerprints, rawSecret, type Finding } from '../findings/finding.js';
import { readTextFile } from '../files/yaml-file.js';

export const BASELINE_VERSION = 1;
export const DEFAULT_BASELINE_FILE = '.keyhound-baseline.json';

/**
 * One known finding. keyhound's own entries carry the fingerprint (rule and secret);
 * entries imported from other tools may know only a hash of the secret (any rule).
 */
export interface BaselineEntry {
  ruleId?: string;
  fingerprint?: string;
  secretSha256?: string;
  /** detect-secrets stores SHA-1 hashes of secrets. */
  secretSha1?: string;
  /** Where an imported entry came from (gitleaks, detect-secrets). */
  source?: string;
}

export interface Baseline {
  version: number;
  /** Salts the fingerprints of guessable secrets; absent in baselines written before it existed. */
  salt?: string;
  entries: BaselineEntry[];
}

const hash = (algorithm: 'sha1' | 'sha256', text: string): string => createHash(algorithm).update(text).digest('hex');

export function secretSha256(secret: string): string {
  return hash('sha256', secret);
}

export function entryFor(finding: Finding, salt: string): BaselineEntry {
  return { ruleId: finding.ruleId, fingerprint: fingerprintWith(finding, salt) };
}

const entryKey = (entry: BaselineEntry): string =>
  [entry.fingerprint, entry.secretSha256, entry.secretSha1, entry.ruleId, entry.source].map((part) => part ?? '').join('|');

/** Sorted, deduplicated, stable JSON: byte-identical for the same findings and salt. */
export function formatBaseline(entries: readonly BaselineEntry[], salt: string): string {
  const unique = new Map(entries.map((entry) => [entryKey(entry), entry]));
  const sorted = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => {
    // A fixed key order, whatever order the entry was built in.
    const ordered: BaselineEntry = {};
    for (const key of ['ruleId', 'fingerprint', 'secretSha256', 'secretSha1', 'source'] as const) if (entry[key]) ordered[key] = entry[key];
    return ordered;
  });
  return `${JSON.stringify({ version: BASELINE_VERSION, salt, entries: sorted }, null, 2)}\n`;
}

export function parseBaseline(text: string, file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the input, which may be a secret.
    throw new ConfigError(`${file}: not JSON (create a baseline with \`keyhound baseline create\`)`);
  }
  const baseline = data as Partial<Baseline>;
  if (typeof baseline !== 'object' || baseline === null || baseline.version !== BASELINE_VERSION || !Array.isArray(baseline.entries)) {
    throw new ConfigError(`${file}: not a keyhound baseline (expected {"version": ${BASELINE_VERSION}, "entries": [...]}; create one with \`keyhound baseline create\`)`);
  }
  if (baseline.salt !== undefined && (typeof baseline.salt !== 'string' || !SALT_PATTERN.test(baseline.salt))) {
    throw new ConfigError(`${file}: salt is not 16 to 64 lower-case hex digits`);
  }
  return { version: BASELINE_VERSION, ...(baseline.salt ? { salt: baseline.salt } : {}), entries: baseline.entries };
}

/** `shown`: the file's name as the user gave it, for messages. */
export function loadBaseline(file: string, shown = file): Baseline {
  return parseBaseline(readTextFile(file, 'baseline', shown, ConfigError), shown);
}

/**
 * `current`: the finding is in the baseline. `reversible`: it is, by a fast hash of a
 * guessable secret (a baseline written before keyhound salted those, or a gitleaks
 * import of one), which anyone who reads the file can reverse with a dictionary.
 */
export type BaselineMatch = 'current' | 'reversible' | undefined;

export interface BaselineMatcher {
  /** Computes, on every core, the slow fingerprints `match` will need. */
  prepare(findings: readonly Finding[]): Promise<void>;
  match(finding: Finding): BaselineMatch;
}

export function baselineMatcher(baseline: Baseline): BaselineMatcher {
  const fingerprints = new Set(baseline.entries.flatMap((entry) => (entry.fingerprint ? [entry.fingerprint] : [])));
  const sha256 = new Set(baseline.entries.flatMap((entry) => (entry.secretSha256 ? [entry.secretSha256] : [])));
  const sha1 = new Set(baseline.entries.flatMap((entry) => (entry.secretSha1 ? [entry.secretSha1] : [])));
  const { salt } = baseline;
  return {
    prepare: async (findings) => {
      if (salt && fingerprints.size) await prepareFingerprints(findings.filter(hasGuessableSecret), salt);
    },
    match(finding) {
      const guessable = hasGuessableSecret(finding);
      if (salt && fingerprints.has(fingerprintWith(finding, salt))) return 'current';
      // Without a salt every entry is SHA-256 (a guessable secret's too); with one, an old entry may remain.
      if (fingerprints.has(legacyFingerprint(finding))) return guessable ? 'reversible' : 'current';
      if (sha256.size > 0 && sha256.has(hash('sha256', rawSecret(finding)))) return guessable ? 'reversible' : 'current';
      if (sha1.size > 0 && sha1.has(hash('sha1', rawSecret(finding)))) return 'current';
      return undefined;
    },
  };
}
