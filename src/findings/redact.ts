/** Redaction: the only form in which a secret leaves keyhound unless --show-secrets is given. */
import { secretLikeSpans } from './secret-like.js';

const MASK = '********';
const MAX_SHOWN = 4;
/** A key block's first line (-----BEGIN RSA PRIVATE KEY-----) says what it is and holds nothing secret. */
const ARMOUR_HEADER = /^-----BEGIN [A-Z0-9 ]{1,40}-----/;

/**
 * The fixed prefix of the token (the rule keyword it starts with, such as `sk_live_`)
 * plus at most 4 characters, never more than a quarter of the variable part; the rest
 * is a fixed-length mask, so not even the length leaks.
 */
export function redact(secret: string, keywords: readonly string[] = []): string {
  const armour = ARMOUR_HEADER.exec(secret);
  if (armour) return `${armour[0]}${MASK}`;
  const lower = secret.toLowerCase();
  const prefix = keywords.filter((keyword) => lower.startsWith(keyword)).sort((a, b) => b.length - a.length)[0] ?? '';
  const rest = secret.length - prefix.length;
  const shown = Math.min(MAX_SHOWN, Math.floor(rest / 4));
  return secret.slice(0, prefix.length + shown).split(/\r?\n/)[0] + MASK;
}

/** A secret's place on a line: [start, end) in characters of that line. */
export type LineSpan = readonly [start: number, end: number];

/** How far beyond the shown part of a line values are looked at: a name before it, a key cut by its edge. */
const CONTEXT = 64;

/** Text with every value that could be a secret (secret-like.ts) masked whole: commit messages, comments. */
export function maskSecretLike(text: string): string {
  return render(text, secretLikeSpans(text).map((span) => ({ span, text: MASK })));
}

interface Replacement {
  span: LineSpan;
  text: string;
}

function render(text: string, replacements: readonly Replacement[]): string {
  let out = '';
  let at = 0;
  for (const { span, text: replacement } of replacements) {
    out += text.slice(at, span[0]) + replacement;
    at = span[1];
  }
  return out + text.slice(at);
}

/** The parts of `span` that no span of `taken` (sorted, disjoint) covers. */
function uncovered(span: LineSpan, taken: readonly LineSpan[]): LineSpan[] {
  const parts: LineSpan[] = [];
  let start = span[0];
  for (const [from, to] of taken) {
    if (to <= start || from >= span[1]) continue;
    if (from > start) parts.push([start, from]);
    start = Math.max(start, to);
  }
  if (start < span[1]) parts.push([start, span[1]]);
  return parts;
}

/** A copy of a secret this short could be any word: only longer ones are looked for again. */
const MIN_COPY = 4;

/**
 * The line with every secret on it masked, by position: the finding's own secret
 * (`own`) shows its redaction, every other finding on the line (the other half of a
 * pair, an encoded run) its own redaction, and every other value that could be a
 * secret (secret-like.ts) is masked whole, and so is every other copy of a secret on the
 * line. Trimmed around the finding.
 */
export function maskLine(lineText: string, own: LineSpan, redacted: string, others: readonly LineSpan[] = [], width = 160): string {
  // Work on a window around the finding: a minified line can be megabytes long and
  // hold thousands of findings, and only this much of it is ever shown.
  const from = Math.max(0, own[0] - width);
  const to = Math.min(lineText.length, own[1] + width);
  const window = lineText.slice(from, to);
  const shift = (span: LineSpan): LineSpan => [Math.max(span[0], from) - from, Math.min(span[1], to) - from];
  const ownInWindow = shift(own);
  const findings: Replacement[] = [];
  for (const candidate of [
    { span: ownInWindow, text: redacted },
    ...others.filter((span) => span[1] > from && span[0] < to).map(shift).map((span) => ({ span, text: redact(window.slice(span[0], span[1])) })),
  ]) {
    // The finding's own secret first; another that overlaps one already placed is covered by it.
    if (candidate.span[1] > candidate.span[0] && !findings.some(({ span }) => span[0] < candidate.span[1] && candidate.span[0] < span[1])) findings.push(candidate);
  }
  // A secret written twice on the line (`admin:pw@host  # pw`) is masked wherever it stands.
  const secrets = [lineText.slice(own[0], own[1]), ...others.filter((span) => span[1] > from && span[0] < to).map((span) => lineText.slice(span[0], span[1]))];
  for (const secret of new Set(secrets.filter((text) => text.length >= MIN_COPY))) {
    for (let at = window.indexOf(secret); at !== -1; at = window.indexOf(secret, at + 1)) {
      const span: LineSpan = [at, at + secret.length];
      if (!findings.some((placed) => placed.span[0] < span[1] && span[0] < placed.span[1])) findings.push({ span, text: MASK });
    }
  }
  const taken = findings.map(({ span }) => span).sort((a, b) => a[0] - b[0]);
  const contextFrom = Math.max(0, from - CONTEXT);
  const likely = secretLikeSpans(lineText.slice(contextFrom, Math.min(lineText.length, to + CONTEXT)))
    .map(([start, end]): LineSpan => [start + contextFrom, end + contextFrom])
    .filter((span) => span[1] > from && span[0] < to)
    .flatMap((span) => uncovered(shift(span), taken))
    .map((span) => ({ span, text: MASK }));
  const replacements = [...findings, ...likely].sort((a, b) => a.span[0] - b.span[0]);
  const masked = render(window, replacements);
  // Where the finding's redaction starts in the masked text: moved by every replacement before it.
  const ownAt = replacements
    .filter(({ span }) => span[1] <= ownInWindow[0])
    .reduce((at, { span, text }) => at + text.length - (span[1] - span[0]), ownInWindow[0]);
  const head = from > 0 ? '…' : '';
  const tail = to < lineText.length ? '…' : '';
  if (masked.length <= width) return `${head}${masked.trim()}${tail}`.trim();
  const start = Math.max(0, ownAt - Math.floor(width / 3));
  return `${start > 0 || head ? '…' : ''}${masked.slice(start, start + width).trim()}…`;
}
