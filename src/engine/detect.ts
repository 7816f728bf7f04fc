/**
 * The detector: text in, findings out. Pure: no I/O, no git.
 *
 * Stage order for every candidate match (read matchRule to know the whole story):
 *   keyword prefilter → rule regex near the keywords → secret group → placeholder →
 *   entropy floor → structural check → the rule's allowlist → suppressions (inline
 *   comment, the config's allowlists) → one finding per span → informative findings
 *   only beside their credential → pairs.
 * A suppressed finding is kept, marked with what suppressed it, so that it can still
 * win its span and be listed by --report-suppressed. Decoders (decode.ts) sit beside
 * the rules in the prefilter and feed decoded text back through the same stages.
 */
import { isAscii } from 'node:buffer';
import { CHECKS } from './checks.js';
import { shannonEntropy } from './entropy.js';
import { LineIndex } from './lines.js';
import { LineSuppressions } from './line-suppressions.js';
import { isPlaceholder } from './placeholders.js';
import { DECODERS, MAX_DECODE_DEPTH, type Decoder } from './decode.js';
import { buildPrefilter, encodePrefilter, type Candidates, type Keyworded, type Prefilter } from './prefilter.js';
import type { GlobalAllowlist, RawFinding, Rule } from './types.js';
import { regionsAround } from './windows.js';

export interface Detector {
  detect(text: string): RawFinding[];
  /** Detects in UTF-8 bytes, decoding them only when a keyword occurs. */
  detectBytes(bytes: Buffer): RawFinding[];
  /** The prefilter alone: which rules (indices into `rules`) and decoders could match, and where. */
  candidates(text: string): Candidates;
  /** `detect`, given the prefilter's answer for this text. */
  detectCandidates(text: string, candidates: Candidates): RawFinding[];
}

/**
 * The rules a detector runs, each made when a text first needs it: the prefilter needs
 * only every rule's keywords (`gates`).
 */
export interface RuleSource {
  gates: readonly Keyworded[];
  rule(index: number): Rule;
}

/** What the prefilter is built over: decoders are gated by keywords like rules, and follow them. */
const keyworded = (gates: readonly Keyworded[]): Keyworded[] => [...gates, ...DECODERS];

/** The prefilter of `createDetector(rules)`, encoded: the build ships the built-in rules' (dist/keywords.bin). */
export function encodeKeywords(gates: readonly Keyworded[]): Uint8Array {
  return encodePrefilter(keyworded(gates));
}

/** `keywords`: `encodeKeywords` of these rules, read back instead of built (when it was made for them). */
export function createDetector(rules: readonly Rule[] | RuleSource, allowlist?: GlobalAllowlist, keywords?: Uint8Array): Detector {
  const { gates, rule: ruleAt } = 'gates' in rules ? rules : { gates: rules, rule: (index: number) => rules[index]! };
  const prefilter: Prefilter = buildPrefilter(keyworded(gates), keywords);
  const global: GlobalAllowlist = allowlist ?? { regexes: [], lineRegexes: [], stopwords: [] };

  function detectText(text: string, depth: number): RawFinding[] {
    const candidates = prefilter.scanText(text);
    return candidates.size ? detectCandidates(text, candidates, depth) : [];
  }

  /**
   * `slack`: how far before its given offset a keyword may really be (byte offsets
   * read as character offsets overshoot by the multi-byte characters before them).
   */
  function detectCandidates(text: string, candidates: Candidates, depth = 0, slack = 0): RawFinding[] {
    const lines = new LineIndex(text);
    const suppressions = new LineSuppressions(text, lines);
    const found: RawFinding[] = [];
    const vetoed: Span[] = [];
    const runRule = (rule: Rule, offsets: number[] | null): void => {
      for (const [start, end] of regionsAround(text, offsets, rule.span, slack)) {
        for (const finding of matchRule(rule, text, start, end, lines, suppressions, global, vetoed)) found.push(finding);
      }
    };
    // Informative rules run last, and only when a credential they tell about was found.
    const informative: Array<[Rule, number[] | null]> = [];
    for (const [index, rawOffsets] of candidates) {
      const rule = index < gates.length ? ruleAt(index) : undefined;
      const offsets = slack && rawOffsets ? rawOffsets.map((offset) => Math.min(offset, text.length)) : rawOffsets;
      if (rule) {
        // A rule without keywords matches a whole small file (a key file); decoded text is not a file.
        if (depth > 0 && rule.keywords.length === 0) continue;
        if (rule.informs.length) informative.push([rule, offsets]);
        else runRule(rule, offsets);
      } else if (depth < MAX_DECODE_DEPTH) {
        const decoder = DECODERS[index - gates.length]!;
        for (const [start, end] of regionsAround(text, offsets, decoder.span, slack)) {
          for (const finding of decodeAndDetect(decoder, text, start, end, lines, suppressions, depth)) found.push(finding);
        }
      }
    }
    for (const [rule, offsets] of informative) {
      if (found.some((finding) => !finding.rule.informative && tellsAbout(rule, finding.rule.id))) runRule(rule, offsets);
    }
    const kept = keepInformed(onePerSpan(found, vetoed));
    markOtherSpans(kept);
    return pairUp(kept);
  }

  /** Findings inside the decoded form of each encoded run, placed at the run in `text`. */
  function* decodeAndDetect(
    decoder: Decoder, text: string, regionStart: number, regionEnd: number, lines: LineIndex, suppressions: LineSuppressions, depth: number,
  ): Generator<RawFinding> {
    const region = text.slice(regionStart, regionEnd);
    // A copy: decoding recurses, and the inner scan must not move this loop's lastIndex.
    const pattern = new RegExp(decoder.pattern);
    let match: RegExpExecArray | null;
    while ((match = pattern.exec(region)) !== null) {
      const decoded = decoder.decode(match[0]);
      if (decoded === undefined) continue;
      const inner = detectText(decoded, depth + 1);
      if (inner.length === 0) continue;
      const start = regionStart + match.index;
      const end = start + match[0].length;
      const from = lines.position(start);
      const to = lines.position(end - 1);
      const lineText = lines.lineText(from.line);
      for (const { otherSpans: _inDecodedText, ...finding } of inner) {
        // Judged again where the encoded text stands: the comments and line regexes there count.
        const suppressedBy = finding.suppressedBy ?? suppressedAt(finding.rule, finding.secret, from.line, suppressions, global);
        yield {
          ...finding, start, end, lineText, matchStart: start,
          line: from.line, column: from.column, endLine: to.line, endColumn: to.column + 1,
          encoding: [decoder.name, ...(finding.encoding ?? [])],
          ...(suppressedBy ? { suppressedBy } : {}),
        };
      }
    }
  }

  return {
    detect: (text) => detectText(text, 0),
    candidates: (text) => prefilter.scanText(text),
    detectCandidates: (text, candidates) => (candidates.size ? detectCandidates(text, candidates) : []),
    detectBytes(bytes) {
      const byteCandidates = prefilter.scanBytes(bytes);
      if (byteCandidates.size === 0) return [];
      // Most source files are ASCII: then latin1 is the same text, decoded without UTF-8's work.
      const text = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
      // Byte offsets are character offsets when every character is one byte. With a few
      // multi-byte characters, a keyword at byte b is at character b - extra … b, so the
      // byte offsets serve with that much slack; with many, the text is scanned again.
      const extra = bytes.length - text.length;
      if (extra > MAX_SLACK) return detectCandidates(text, prefilter.scanText(text));
      return detectCandidates(text, byteCandidates, 0, extra);
    },
  };
}

type Span = readonly [start: number, end: number];

/** Up to this many extra bytes (multi-byte characters), byte offsets stand in for character offsets. */
const MAX_SLACK = 2048;

/**
 * Yields the rule's findings in the text. A match that fails its rule's structural
 * check (a GitHub token with a wrong checksum) is recorded in `vetoed`, so that a
 * generic rule cannot report the same span again.
 */
function* matchRule(
  rule: Rule, text: string, regionStart: number, regionEnd: number, lines: LineIndex, suppressions: LineSuppressions, global: GlobalAllowlist, vetoed: Span[],
): Generator<RawFinding> {
  const regex = rule.regex;
  const region = regionStart === 0 && regionEnd === text.length ? text : text.slice(regionStart, regionEnd);
  regex.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = regex.exec(region)) !== null) {
    if (match[0].length === 0) regex.lastIndex += 1;
    const indices = match.indices?.groups?.secret;
    const secret = match.groups?.secret;
    if (!indices || secret === undefined || secret.length === 0) continue;
    const start = indices[0] + regionStart;
    const end = indices[1] + regionStart;
    if (isPlaceholder(secret, rule.placeholders)) continue;
    const entropy = shannonEntropy(secret);
    if (entropy < rule.entropy) continue;
    const verdict = rule.check ? CHECKS[rule.check](secret) : undefined;
    if (verdict === false) {
      vetoed.push([start, end]);
      continue;
    }
    if (allowedBy(secret, rule.allowRegexes, rule.stopwords, '')) continue;
    const from = lines.position(start);
    const lineText = lines.lineText(from.line);
    const suppressedBy = suppressedAt(rule, secret, from.line, suppressions, global);
    const to = lines.position(end - 1);
    yield {
      rule, secret, start, end, lineText, entropy, matchStart: match.index + regionStart,
      line: from.line, column: from.column, endLine: to.line, endColumn: to.column + 1,
      confidence: verdict ? 'high' : rule.generic ? 'low' : 'medium',
      ...(suppressedBy ? { suppressedBy } : {}),
    };
  }
}

/**
 * Allowlist regexes and stopwords are checked against the secret; the result names the
 * entry that matched by its place in the config (`allowlist.stopwords[2]`), never by
 * its text: a stopword is a piece of the secret, and a regex is often the key itself.
 */
export function allowedBy(secret: string, regexes: readonly RegExp[], stopwords: readonly string[], where: string): string | undefined {
  const regex = regexes.findIndex((candidate) => candidate.test(secret));
  if (regex !== -1) return `${where}.regexes[${regex}]`;
  const lower = secret.toLowerCase();
  const word = stopwords.findIndex((candidate) => lower.includes(candidate));
  return word === -1 ? undefined : `${where}.stopwords[${word}]`;
}

/**
 * The one place a finding in a text is suppressed: a comment on its line, the config's
 * allowlist for its rule, the config's global allowlist. (Paths, the ignore file and the
 * baseline are decided outside the text: scan/suppress.ts.)
 */
function suppressedAt(rule: Rule, secret: string, line: number, suppressions: LineSuppressions, global: GlobalAllowlist): string | undefined {
  return (
    suppressions.comment(line, rule.id) ??
    (rule.configAllowlist && configAllowedBy(secret, line, suppressions, rule.configAllowlist, `ruleAllowlists.${rule.id}`)) ??
    configAllowedBy(secret, line, suppressions, global, 'allowlist')
  );
}

/** A config allowlist: regexes and stopwords on the secret, line regexes (`lines`) on its (1-based) line. */
function configAllowedBy(secret: string, line: number, suppressions: LineSuppressions, allowlist: GlobalAllowlist, where: string): string | undefined {
  const bySecret = allowedBy(secret, allowlist.regexes, allowlist.stopwords, where);
  if (bySecret) return bySecret;
  const byLine = suppressions.lineRegex(line, allowlist);
  return byLine && `${where}.lines[${allowlist.lineRegexes.indexOf(byLine)}]`;
}

const overlaps = (a: Span, b: Span): boolean => a[0] < b[1] && b[0] < a[1];

/**
 * One finding per secret span: where spans overlap, a specific rule beats a generic
 * one, a match in the text beats one in decoded text, then the longer span wins,
 * then the match with more context before the secret, then the rule id. Generic findings on a vetoed span are dropped.
 */
export function onePerSpan(all: RawFinding[], vetoed: readonly Span[] = []): RawFinding[] {
  const findings = vetoed.length
    ? all.filter((finding) => !finding.rule.generic || !vetoed.some((span) => overlaps(span, [finding.start, finding.end])))
    : all;
  if (findings.length < 2) return findings;
  const ranked = [...findings].sort(
    (a, b) =>
      Number(a.rule.generic) - Number(b.rule.generic) ||
      Number(Boolean(a.encoding)) - Number(Boolean(b.encoding)) ||
      (b.end - b.start) - (a.end - a.start) ||
      a.start - b.start ||
      // The same secret matched by two rules: the one that needed more context (the
      // provider's name before it) knows better; then a fixed order, not the text's.
      (a.matchStart ?? a.start) - (b.matchStart ?? b.start) ||
      a.rule.id.localeCompare(b.rule.id),
  );
  // The kept spans never overlap, so sorted by start they are sorted by end too: one
  // binary search finds the only one that could overlap a new span (thousands of
  // findings in one minified file stay n log n).
  const kept: RawFinding[] = [];
  for (const finding of ranked) {
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (kept[middle]!.start < finding.end) low = middle + 1;
      else high = middle;
    }
    // kept[low - 1] is the last span starting before this one ends; earlier ones end before it starts.
    const before = kept[low - 1];
    if (before && overlaps([before.start, before.end], [finding.start, finding.end])) continue;
    kept.splice(low, 0, finding);
  }
  return kept.sort((a, b) => a.start - b.start || a.rule.id.localeCompare(b.rule.id));
}

/** True when an informative rule tells about findings of this (credential) rule. */
export function tellsAbout(informative: Pick<Rule, 'informs'>, credentialRuleId: string): boolean {
  return informative.informs.includes(credentialRuleId) || informative.informs.includes('*');
}

/**
 * Informative findings (the user, host or remote path of a credential) stand with the
 * credential: each is kept only when a finding of a rule it informs (any rule that is
 * not informative for `*`) lies within pairLines lines, and is suppressed when every
 * such finding is.
 */
export function keepInformed(findings: RawFinding[]): RawFinding[] {
  if (!findings.some((finding) => finding.rule.informs.length)) return findings;
  const credentials = findings.filter((finding) => !finding.rule.informative).sort((a, b) => a.line - b.line);
  return findings.flatMap((finding) => {
    const { informs, pairLines } = finding.rule;
    if (informs.length === 0) return [finding];
    const near: RawFinding[] = [];
    for (let i = firstAtOrAfter(credentials, finding.line - pairLines); i < credentials.length && credentials[i]!.line <= finding.line + pairLines; i++) {
      if (tellsAbout(finding.rule, credentials[i]!.rule.id)) near.push(credentials[i]!);
    }
    if (near.length === 0) return [];
    if (finding.suppressedBy || near.some((credential) => !credential.suppressedBy)) return [finding];
    return [{ ...finding, suppressedBy: `its credential is suppressed (${near[0]!.suppressedBy})` }];
  });
}

/** Index of the first finding (sorted by line) on or after `line`. */
function firstAtOrAfter(sorted: readonly RawFinding[], line: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]!.line < line) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Paired credentials: a finding whose rule pairs with another (an AWS secret key with
 * its key id) absorbs the nearest such finding within `pairLines` lines, and the two
 * are reported as one finding with both parts.
 */
export function pairUp(findings: RawFinding[]): RawFinding[] {
  if (findings.length < 2 || !findings.some((finding) => finding.rule.pairsWith.length)) return findings;
  const absorbed = new Set<RawFinding>();
  for (const finding of findings) {
    const { pairsWith, pairLines } = finding.rule;
    if (pairsWith.length === 0 || absorbed.has(finding)) continue;
    const partner = findings
      .filter((other) => other !== finding && !absorbed.has(other) && !other.pair && pairsWith.includes(other.rule.id))
      .filter((other) => Math.abs(other.line - finding.line) <= pairLines)
      .sort((a, b) => Math.abs(a.line - finding.line) - Math.abs(b.line - finding.line))[0];
    if (!partner) continue;
    absorbed.add(partner);
    finding.pair = { rule: partner.rule, secret: partner.secret, line: partner.line, column: partner.column };
    finding.confidence = 'high';
  }
  return absorbed.size ? findings.filter((finding) => !absorbed.has(finding)) : findings;
}

/** How far either side of a finding its line context is shown (more than the report's 160 characters). */
const NEIGHBOURHOOD = 400;
/** How long a finding can be (a key block), so how far before a window one may start and reach into it. */
const MAX_SPAN_LOOKBACK = 40_000;

/**
 * Notes, on each finding, where the other findings on its first line are, so that no
 * report shows one secret in the line context of another (the two halves of a pair
 * included: this runs before pairUp absorbs one of them).
 */
export function markOtherSpans(findings: RawFinding[]): void {
  if (findings.length < 2) return;
  // Only neighbours within the shown part of the line matter; sorted by start, each
  // finding looks at a bounded stretch around it, never at every other finding.
  const sorted = [...findings].sort((a, b) => a.start - b.start);
  let low = 0;
  for (const finding of sorted) {
    const lineStart = finding.start - (finding.column - 1);
    const lineEnd = lineStart + finding.lineText.length;
    const from = Math.max(lineStart, finding.start - NEIGHBOURHOOD);
    const to = Math.min(lineEnd, finding.end + NEIGHBOURHOOD);
    while (low < sorted.length && sorted[low]!.start < from - MAX_SPAN_LOOKBACK) low += 1;
    const others: Array<readonly [number, number]> = [];
    for (let i = low; i < sorted.length && sorted[i]!.start < to; i++) {
      const other = sorted[i]!;
      if (other === finding || other.end <= from) continue;
      others.push([Math.max(other.start, lineStart) - lineStart, Math.min(other.end, lineEnd) - lineStart]);
    }
    if (others.length) finding.otherSpans = others;
  }
}
