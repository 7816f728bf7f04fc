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

/** The line with every occurrence of the secret's first line replaced by its redaction, trimmed around it. */
export function maskLine(lineText: string, secret: string, redacted: string, width = 160): string {
  const firstLine = secret.split(/\r?\n/)[0] ?? secret;
  const masked = firstLine ? lineText.split(firstLine).join(redacted) : lineText;
  if (masked.length <= width) return masked.trim();
  const at = Math.max(0, masked.indexOf(redacted) - Math.floor(width / 3));
  return `${at > 0 ? '…' : ''}${masked.slice(at, at + width).trim()}…`;
}
