/** A finding as every report and the library API see it: located, redacted, fingerprinted. */
import type { Encoding } from '../engine/decode.js';
import type { Confidence, Rule, Severity } from '../engine/types.js';
import { DEFAULT_SALT, fastHash, isGuessable, slowFingerprint, slowFingerprintAsync } from './fingerprints.js';
import { maskLine, maskSecretLike, redact, type LineSpan } from './redact.js';

/** The commit (or tag) text comes from; on a finding, the one that introduced it (author and message masked where they look secret). */
export interface CommitInfo {
  sha: string;
  author: string;
  email: string;
  date: string;
  message: string;
}

/** A commit id as short as git log shows it. */
export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

export type VerifyStatus = 'live' | 'revoked' | 'unknown' | 'error';

/** What a provider said when asked whether a credential works (--verify). */
export interface Verification {
  status: VerifyStatus;
  /** When the provider was asked (ISO 8601); from the cache, when it was asked then. */
  checkedAt: string;
  /** What the provider says about the credential (account, user, scopes), redacted where it looks secret. */
  identity?: Record<string, string>;
  /** Why the status is unknown or error (a timeout, a rate limit, the budget). */
  reason?: string;
}

export interface Finding {
  ruleId: string;
  provider: string;
  description: string;
  severity: Severity;
  remediation: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Redacted: the token's fixed prefix, at most 4 characters, then a mask. */
  secret: string;
  /** The line the secret is on, with the secret redacted. */
  lineText: string;
  /**
   * Hash of the rule id and the raw secret (fingerprints.ts): stable when the line moves;
   * scrypt, salted, for a guessable secret. Computed when first read, then kept.
   */
  readonly fingerprint: string;
  entropy: number;
  /** For history scans: the commit that introduced the secret. */
  commit?: CommitInfo;
  /** For history scans: where else the secret appears. */
  history?: HistoryOccurrences;
  /** Only in --report-suppressed output: what suppressed this finding. */
  suppressedBy?: string;
  /** high: a structural check passed (checksum, JWT structure) or both halves of a pair were found; low: a generic rule. */
  confidence: Confidence;
  /** Set when the match is not a secret but whose or where the credential reported nearby is (a user, host, path). */
  informative?: true;
  /** Found inside encoded text (outermost encoding first); the location is the encoded span. */
  encoding?: Encoding[];
  /** With --verify: what the provider said when asked whether the credential works. */
  verification?: Verification;
  /** The other half of a paired credential (an AWS key id next to its secret key), redacted. */
  pair?: { ruleId: string; secret: string; line: number; column: number };
}

/** Where else a secret appears in history. */
export interface HistoryOccurrences {
  /** Commits whose changes add this secret. */
  commits: number;
  /** Paths it was added to. */
  paths: string[];
  /** Whether some file at HEAD still contains it. */
  presentAtHead: boolean;
  /**
   * Set in a shallow clone when the secret is already there at the shallow boundary:
   * `commit` is that boundary commit, and the secret came in at or before it.
   */
  truncated?: true;
  /**
   * The introducing commit's place in `git rev-list` order over every commit the scanned
   * refs reach (newest 0), whatever the shard: of two shards' rows for one secret, the
   * higher is the earlier introduction (keyhound merge keeps it). -1: outside any commit.
   */
  position: number;
}

/** What a finding keeps out of its own object, so that no serialisation can reach it: the raw secrets, and what its fingerprints need. */
interface Hidden {
  secret: string;
  pair?: string;
  guessable: boolean;
  /** The salt the scanned repository's files declare (DEFAULT_SALT until the scan says). */
  salt: string;
  /** SHA-256 of the rule id and the secret, once computed. */
  fast?: string;
  /** The slow fingerprints of a guessable secret, by salt, once computed. */
  slow: Map<string, string>;
}

const hidden = new WeakMap<Finding, Hidden>();

/** The unredacted secret, for --show-secrets and for baselines' hashes only. */
export function rawSecret(finding: Finding): string {
  return hidden.get(finding)?.secret ?? finding.secret;
}

/** The finding as --show-secrets prints it: the secret and its pair's other half unredacted. */
export function withRawSecrets(finding: Finding): Finding {
  const raw = hidden.get(finding);
  if (!raw) return finding;
  // A copy of the properties as they are: the fingerprint stays a getter, computed only if read.
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(finding)) as Finding;
  copy.secret = raw.secret;
  if (finding.pair && raw.pair) copy.pair = { ...finding.pair, secret: raw.pair };
  return copy;
}

function hiddenOf(finding: Finding): Hidden {
  const state = hidden.get(finding);
  if (!state) throw new Error(`not a finding made by makeFinding: ${finding.ruleId}`);
  return state;
}

/**
 * A fast identity for the finding's rule and raw secret, for deduplication inside one
 * run (history's one map lookup an occurrence). Never serialise it: for a guessable
 * secret it is as reversible as the fingerprints keyhound no longer writes.
 */
export function secretIdentity(finding: Finding): string {
  const state = hiddenOf(finding);
  state.fast ??= fastHash(finding.ruleId, state.secret);
  return state.fast;
}

/** Whether the finding's secret could be guessed, so that its fingerprint is scrypt's. */
export function hasGuessableSecret(finding: Finding): boolean {
  return hiddenOf(finding).guessable;
}

/** The fingerprint before keyhound salted guessable secrets: SHA-256, for matching old ignore files and baselines. */
export function legacyFingerprint(finding: Finding): string {
  return secretIdentity(finding).slice(0, 32);
}

/** The finding's fingerprint under a salt (a baseline's own); computed at most once a salt. */
export function fingerprintWith(finding: Finding, salt: string): string {
  const state = hiddenOf(finding);
  if (!state.guessable) return legacyFingerprint(finding);
  let value = state.slow.get(salt);
  if (!value) {
    value = slowFingerprint(finding.ruleId, state.secret, salt);
    state.slow.set(salt, value);
  }
  return value;
}

/** Sets the salt the findings' `fingerprint` uses: the one the scanned repository's files declare. */
export function useSalt(findings: Iterable<Finding>, salt: string): void {
  for (const finding of findings) hiddenOf(finding).salt = salt;
}

/**
 * Computes the slow fingerprints of these findings ahead, on the thread pool (every
 * core), under `salt` or each finding's own; reading them afterwards costs nothing.
 */
export async function prepareFingerprints(findings: Iterable<Finding>, salt?: string): Promise<void> {
  // One scrypt per rule, secret and salt: a password repeated a thousand times costs one.
  const pending = new Map<string, Promise<string>>();
  const filled: Array<Promise<void>> = [];
  for (const finding of findings) {
    const state = hidden.get(finding);
    const using = salt ?? state?.salt;
    if (!state?.guessable || using === undefined || state.slow.has(using)) continue;
    const key = `${finding.ruleId}\0${state.secret}\0${using}`;
    let value = pending.get(key);
    if (!value) pending.set(key, (value = slowFingerprintAsync(finding.ruleId, state.secret, using)));
    filled.push(value.then((fingerprint) => void state.slow.set(using, fingerprint)));
  }
  await Promise.all(filled);
}

export interface Located {
  secret: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  lineText: string;
  /** Where lineText starts in its line, when it is only the part of a long line around the secret. */
  lineOffset?: number;
  /** Other secrets on the same line (as [start, end) in lineText), masked in the report's line. */
  otherSpans?: LineSpan[];
  entropy: number;
  suppressedBy?: string;
  confidence: Confidence;
  encoding?: Encoding[];
  /** The pair's secret is raw here; makeFinding redacts it. */
  pair?: { ruleId: string; secret: string; line: number; column: number };
}

export function makeFinding(rule: Rule, raw: Located, file: string, startLine: number, commit?: CommitInfo): Finding {
  const redacted = redact(raw.secret, rule.keywords);
  const lineOffset = raw.lineOffset ?? 0;
  const finding: Finding = {
    ruleId: rule.id,
    provider: rule.provider,
    description: rule.description,
    severity: rule.severity,
    remediation: rule.remediation,
    file,
    line: startLine + raw.line - 1,
    column: raw.column,
    endLine: startLine + raw.endLine - 1,
    endColumn: raw.endColumn,
    secret: redacted,
    lineText: maskLine(raw.lineText, [raw.column - 1 - lineOffset, raw.endLine === raw.line ? raw.endColumn - 1 - lineOffset : raw.lineText.length], redacted, raw.otherSpans),
    get fingerprint() {
      return fingerprintWith(finding, hiddenOf(finding).salt);
    },
    entropy: Math.round(raw.entropy * 100) / 100,
    // A commit subject or author name can hold a key too (`rotate sk_live_…`).
    ...(commit ? { commit: { ...commit, author: maskSecretLike(commit.author), message: maskSecretLike(commit.message) } } : {}),
    confidence: raw.confidence,
    ...(rule.informative ? { informative: true as const } : {}),
    ...(raw.suppressedBy ? { suppressedBy: raw.suppressedBy } : {}),
    ...(raw.encoding ? { encoding: raw.encoding } : {}),
    ...(raw.pair ? { pair: { ...raw.pair, secret: redact(raw.pair.secret, rule.keywords), line: startLine + raw.pair.line - 1 } } : {}),
  };
  hidden.set(finding, {
    secret: raw.secret,
    ...(raw.pair ? { pair: raw.pair.secret } : {}),
    guessable: isGuessable(raw.secret, rule.keywords),
    salt: DEFAULT_SALT,
    slow: new Map(),
  });
  return finding;
}
