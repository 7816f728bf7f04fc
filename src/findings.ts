/** A finding as every report and the library API see it: located, redacted, fingerprinted. */
import { createHash } from 'node:crypto';
import type { Encoding } from './engine/decode.js';
import type { Confidence, Rule, Severity } from './engine/types.js';
import { maskLine, redact, type LineSpan } from './report/redact.js';
import type { CommitInfo } from './sources/types.js';
import type { Verification } from './verify/verify.js';

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
  /** Hash of the rule id and the raw secret: stable when the line moves. */
  fingerprint: string;
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
}

/** The raw secrets, kept out of the finding objects so that no serialisation can reach them. */
const rawSecrets = new WeakMap<Finding, { secret: string; pair?: string }>();

/** The unredacted secret, for --show-secrets and for baselines' hashes only. */
export function rawSecret(finding: Finding): string {
  return rawSecrets.get(finding)?.secret ?? finding.secret;
}

/** The finding as --show-secrets prints it: the secret and its pair's other half unredacted. */
export function withRawSecrets(finding: Finding): Finding {
  const raw = rawSecrets.get(finding);
  if (!raw) return finding;
  return { ...finding, secret: raw.secret, ...(finding.pair && raw.pair ? { pair: { ...finding.pair, secret: raw.pair } } : {}) };
}

export function fingerprint(ruleId: string, secret: string): string {
  return createHash('sha256').update(`${ruleId}\0${secret}`).digest('hex').slice(0, 32);
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
    fingerprint: fingerprint(rule.id, raw.secret),
    entropy: Math.round(raw.entropy * 100) / 100,
    ...(commit ? { commit } : {}),
    confidence: raw.confidence,
    ...(rule.informative ? { informative: true as const } : {}),
    ...(raw.suppressedBy ? { suppressedBy: raw.suppressedBy } : {}),
    ...(raw.encoding ? { encoding: raw.encoding } : {}),
    ...(raw.pair ? { pair: { ...raw.pair, secret: redact(raw.pair.secret, rule.keywords), line: startLine + raw.pair.line - 1 } } : {}),
  };
  rawSecrets.set(finding, { secret: raw.secret, ...(raw.pair ? { pair: raw.pair.secret } : {}) });
  return finding;
}
