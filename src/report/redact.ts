/** Redaction: the only form in which a secret leaves keyhound unless --show-secrets is given. */

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

/**
 * The line with every secret on it masked, by position: the finding's own secret
 * (`own`) shows its redaction, every other secret on the line (another finding, the
 * other half of a pair, an encoded run) is redacted too. Trimmed around the finding.
 */
export function maskLine(lineText: string, own: LineSpan, redacted: string, others: readonly LineSpan[] = [], width = 160): string {
  // Work on a window around the finding: a minified line can be megabytes long and
  // hold thousands of findings, and only this much of it is ever shown.
  const from = Math.max(0, own[0] - width);
  const to = Math.min(lineText.length, own[1] + width);
  const window = lineText.slice(from, to);
  const shift = (span: LineSpan): LineSpan => [Math.max(span[0], from) - from, Math.min(span[1], to) - from];
  const ownInWindow = shift(own);
  const spans = [
    { span: ownInWindow, text: redacted },
    ...others.filter((span) => span[1] > from && span[0] < to).map(shift).map((span) => ({ span, text: redact(window.slice(span[0], span[1])) })),
  ]
    .filter(({ span }) => span[1] > span[0])
    .sort((a, b) => a.span[0] - b.span[0]);
  let masked = '';
  let at = 0;
  let ownAt = 0;
  for (const { span, text } of spans) {
    if (span[0] < at) continue; // overlaps one already masked
    masked += window.slice(at, span[0]);
    if (span === ownInWindow) ownAt = masked.length;
    masked += text;
    at = span[1];
  }
  masked += window.slice(at);
  const head = from > 0 ? '…' : '';
  const tail = to < lineText.length ? '…' : '';
  if (masked.length <= width) return `${head}${masked.trim()}${tail}`.trim();
  const start = Math.max(0, ownAt - Math.floor(width / 3));
  return `${start > 0 || head ? '…' : ''}${masked.slice(start, start + width).trim()}…`;
}
