/** Types shared by the detector, the rule loader and the reports. */
import type { Encoding } from './decode.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** A match lies within this many characters of one of its rule's keywords, unless the rule says otherwise. */
export const DEFAULT_SPAN = 1024;

/** Offline structural checks a rule can ask for (see checks.ts). */
export type CheckName = 'github-crc32' | 'npm-crc32' | 'grafana-crc32' | 'sentry-payload' | 'jwt' | 'aws-key-id' | 'pgp-crc24' | 'pem-body' | 'bech32' | 'basic-credentials';

/** A rule as written in a rule file (after YAML parsing and schema validation). */
export interface RuleSpec {
  id: string;
  description: string;
  severity: Severity;
  keywords: string[];
  pattern: string;
  caseInsensitive?: boolean;
  entropy?: number;
  /** How far (in characters) a match may reach from a keyword; default DEFAULT_SPAN. */
  span?: number;
  /** A rule without keywords runs on every text; this keeps it to texts up to this long (tiny key files). */
  maxTextLength?: number;
  /** How many lines a match can span, or lie from its keyword (default 1); see Rule.lines. */
  lines?: number;
  check?: CheckName;
  /** A generic rule yields to a specific rule on the same span. */
  generic?: boolean;
  /** Rule ids of the other half of this credential (an AWS key id for a secret key): reported together. */
  pairsWith?: string[];
  /** How many lines apart the two halves (or an informative finding and its credential) may be; default 5. */
  pairLines?: number;
  /** Rule ids of the credentials this rule's matches tell about (a user, host or path): see Rule.informs. */
  informs?: string[];
  /** Not a secret by design (a public key): see Rule.informative. */
  informative?: boolean;
  placeholders?: PlaceholderPolicy;
  allowlist?: { regexes?: string[]; stopwords?: string[] };
  /** Overrides the file's category. */
  category?: Category;
  /** Where the provider documents the credential's format. */
  references?: string[];
  /** How to ask the provider whether the credential still works (src/verify/spec.ts). */
  verify?: VerifySpec;
  examples: string[];
  negatives?: string[];
}

/** What kind of service or credential a provider's rules are about (schema/rules.schema.json lists them). */
export type Category = string;

export interface RuleFileSpec {
  provider: string;
  remediation: string;
  category?: Category;
  rules: RuleSpec[];
}

/** A rule ready for the detector: regexes compiled, keywords lower-cased. */
export interface Rule {
  id: string;
  provider: string;
  description: string;
  severity: Severity;
  remediation: string;
  keywords: string[];
  regex: RegExp;
  entropy: number;
  span: number;
  maxTextLength?: number;
  /**
   * How many lines a match can span, or lie from the keyword that gates it: past the
   * diff context, the diff modes judge the whole file when the keyword shows in a change.
   */
  lines: number;
  check?: CheckName;
  generic: boolean;
  pairsWith: string[];
  pairLines: number;
  /**
   * Set on an informative rule: it is reported only with a finding of one of these rules
   * (`*`: any rule that is not informative) within pairLines lines, and is suppressed
   * when that finding is.
   */
  informs: string[];
  /**
   * What the rule finds is not a secret (a public key, a credential's user or host): a
   * note, never a leak that fails a scan. True for every rule that `informs`.
   */
  informative: boolean;
  placeholders: PlaceholderPolicy;
  /** How to ask the provider whether the credential still works; checked at load (--verify). */
  verify?: VerifySpec;
  /** The rule file's own allowlist: a match it covers is not a finding at all. */
  allowRegexes: RegExp[];
  stopwords: string[];
  /** The config's allowlist for this rule: a match it covers is a suppressed finding. */
  configAllowlist?: GlobalAllowlist;
}

/** What a rule is known by before it is compiled: its id, what gates it, how far it reaches. */
export type RuleGate = Pick<Rule, 'id' | 'keywords' | 'lines' | 'maxTextLength'>;

/** Rules by id (a Map, or a ruleset that compiles each when first asked for). */
export interface RuleLookup {
  get(id: string): Rule | undefined;
}

/** Allowlist entries that apply to every rule. */
export interface GlobalAllowlist {
  /** Tested against the secret. */
  regexes: RegExp[];
  /** Tested against the line the secret starts on. */
  lineRegexes: RegExp[];
  stopwords: string[];
}

/** What the detector returns: a match located inside one text. */
export interface RawFinding {
  rule: Rule;
  secret: string;
  /** Offsets of the secret in the text (UTF-16 code units, end exclusive). */
  start: number;
  end: number;
  /** Where the whole match (context included) starts; breaks ties between rules. */
  matchStart?: number;
  /** 1-based, relative to the start of the text. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The full text of the first line the secret is on. */
  lineText: string;
  /** Every other secret on that line, as [start, end) in it: reports mask them too. */
  otherSpans?: Array<readonly [number, number]>;
  entropy: number;
  /** Set when a comment or an allowlist suppresses the finding: what did. */
  suppressedBy?: string;
  /** Set when the secret was found inside encoded text: the encodings, outermost first. */
  encoding?: Encoding[];
  /** The other half of a paired credential, found nearby. */
  pair?: { rule: Rule; secret: string; line: number; column: number };
  /** high: a structural check passed or both halves of a pair were found; low: a generic rule. */
  confidence: Confidence;
}

/**
 * What the placeholder check refuses: `all` stand-ins, example values, references and
 * masks; `references` only references, masks and named stand-ins (the matched value is
 * context, or a program wrote it from what its user typed).
 */
export type PlaceholderPolicy = 'all' | 'references';

export type Confidence = 'high' | 'medium' | 'low';

/** How a rule's credential can be checked with its provider (the rule file's `verify:`; see verify/spec.ts). */
/** When a provider's answer means a verdict: its status, and optionally fields of its JSON body. */
export interface AnswerCondition {
  status?: number | number[];
  /** Dotted paths into the JSON body, each with the value (or one of the values) it must hold. */
  json?: Record<string, string | number | boolean | Array<string | number | boolean>>;
}

export interface VerifySpec {
  url?: string;
  method?: 'GET' | 'POST' | 'HEAD';
  auth?: { bearer?: string; basic?: [string, string] };
  headers?: Record<string, string>;
  body?: string;
  /** A request that must be signed with the secret (no URL of the rule's own). */
  signer?: 'aws-sts';
  live?: AnswerCondition;
  revoked?: AnswerCondition;
  identity?: string[];
}
