/**
 * Offline structural checks: they turn a pattern match into a confident finding (true),
 * or drop a match that cannot be a real token (false: a wrong checksum, say). Undefined:
 * the format gives nothing to check in this match (an armour without its checksum line).
 */
import { createHmac } from '../builtins.js';
import { isPlaceholder } from './placeholders.js';
import type { CheckName } from './types.js';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub (ghp_, gho_, ghu_, ghs_, ghr_) and npm (npm_) tokens end in six base62
 * characters that encode the CRC32 of the 30 random characters before them.
 */
export function hasValidCrc32Suffix(token: string): boolean {
  const body = token.slice(token.indexOf('_') + 1);
  if (body.length !== 36) return false;
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

function decodeBase64UrlJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Grafana service account tokens (glsa_<32>_<8 hex>) end in the CRC32 of everything
 * before the last underscore, its four bytes little-endian, in hex.
 */
export function hasValidGrafanaChecksum(token: string): boolean {
  const split = token.lastIndexOf('_');
  const checksum = crc32(token.slice(0, split));
  const littleEndian = [0, 8, 16, 24].map((shift) => ((checksum >>> shift) & 0xff).toString(16).padStart(2, '0')).join('');
  return littleEndian === token.slice(split + 1).toLowerCase();
}

/** Sentry organization tokens (sntrys_<base64 JSON>_<secret>) carry their organization and URL in JSON. */
export function hasSentryTokenPayload(token: string): boolean {
  const payload = token.slice('sntrys_'.length, token.lastIndexOf('_'));
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
    return typeof claims === 'object' && claims !== null && 'org' in claims && 'url' in claims;
  } catch {
    return false;
  }
}

/** The keys documentation signs its sample JWTs with (jwt.io's debugger, library READMEs). */
const DEMO_JWT_KEYS = ['secret', 'your-256-bit-secret', 'your-384-bit-secret', 'your-512-bit-secret', 'shhhhh', 'key', 'secretkey', 'my-secret'];
const HMAC_HASHES: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/**
 * A JWT's header and payload must decode to JSON objects, the header naming an alg;
 * and an HMAC-signed one must not be signed with a documentation key ("secret",
 * jwt.io's "your-256-bit-secret"): such a token is a sample anyone can forge.
 */
export function isStructuredJwt(token: string): boolean {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload) return false;
  const head = decodeBase64UrlJson(header);
  const body = decodeBase64UrlJson(payload);
  if (typeof head !== 'object' || head === null || !('alg' in head) || typeof body !== 'object' || body === null) return false;
  const hash = HMAC_HASHES[String(head.alg)];
  if (!hash || !signature) return true;
  const signed = `${header}.${payload}`;
  return !DEMO_JWT_KEYS.some((key) => createHmac(hash, key).update(signed).digest('base64url') === signature);
}

/** AWS key ids are a four-letter prefix and 16 base32 characters (A-Z, 2-7). */
export function isAwsKeyId(id: string): boolean {
  return /^[A-Z0-9]{4}[A-Z2-7]{16}$/.test(id);
}

/** OpenPGP's CRC-24 (RFC 4880, 6.1). */
export function crc24(bytes: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of bytes) {
    crc ^= byte << 16;
    for (let bit = 0; bit < 8; bit++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/**
 * An ASCII-armoured PGP block whose checksum line (`=XXXX`, optional in the armour)
 * matches its body. A block with a checksum that does not match was edited or made up.
 */
export function hasValidPgpChecksum(block: string): boolean | undefined {
  const lines = armourLines(block);
  const blank = lines.indexOf('', 1);
  const body = lines.slice(blank === -1 ? 1 : blank + 1, -1);
  const checksumAt = body.findIndex((line) => /^=[A-Za-z0-9+/]{4}$/.test(line));
  if (checksumAt === -1) return undefined;
  const data = Buffer.from(body.slice(0, checksumAt).join(''), 'base64');
  const expected = Buffer.from(body[checksumAt]!.slice(1), 'base64').readUIntBE(0, 3);
  return crc24(data) === expected;
}

/** The lines of an armoured block, trimmed, with escaped line breaks (a key in a JSON string) undone. */
function armourLines(block: string): string[] {
  return block.replace(/\\[rn]/g, '\n').split(/\r?\n/).map((line) => line.trim());
}

const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]*:/;

/**
 * One line of a key body as code holds it, down to its base64: a comment marker
 * (" * ", "# ", "// "), quotes, and what joins string pieces ("…\n" +, "…" \, "…",).
 * A "+" after the closing quote is syntax; one without a quote is base64.
 */
function bodyLine(line: string): string {
  return line
    .replace(/^(?:(?:[*#;]|\/\/)\s+)?["'`]?/, '')
    .replace(/(?:\\[rn])*(?:["'`]\s*[+,]?)?\s*\\?$/, '')
    .trim()
    .replace(/^[+,]$/, ''); // what was left of `" +` after an escaped line break split the line
}

/**
 * A PEM private key whose body decodes to what its label promises: the
 * openssh-key-v1 magic; for legacy encrypted PEM (Proc-Type: 4,ENCRYPTED) whole cipher
 * blocks; otherwise DER, one SEQUENCE as long as the body that opens with an INTEGER
 * (the version) or, encrypted PKCS#8, a SEQUENCE (the algorithm). False for a body cut
 * short in documentation ("..."); undefined when the body is in a syntax not read here.
 */
export function hasPlausiblePemBody(block: string): boolean | undefined {
  const lines = armourLines(block).map(bodyLine).filter(Boolean);
  const inner = lines.slice(1, -1);
  const body = inner.filter((line) => !HEADER_LINE.test(line)).join('').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return /\.\.\.|…/.test(body) ? false : undefined;
  const bytes = Buffer.from(body, 'base64');
  if (lines[0]!.includes('OPENSSH')) return bytes.subarray(0, 15).toString('latin1') === 'openssh-key-v1\0';
  if (inner.some((line) => /^Proc-Type:\s*4,ENCRYPTED/i.test(line))) return bytes.length >= 64 && bytes.length % 8 === 0;
  if (bytes[0] !== 0x30) return false;
  const length = derLength(bytes, 1);
  return length !== undefined && length.end + length.value === bytes.length && (bytes[length.end] === 0x02 || bytes[length.end] === 0x30);
}

/** A DER length at `at`: its value and where the content starts. */
function derLength(bytes: Uint8Array, at: number): { value: number; end: number } | undefined {
  const first = bytes[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return { value: first, end: at + 1 };
  const count = first & 0x7f;
  if (count === 0 || count > 4 || at + 1 + count > bytes.length) return undefined;
  let value = 0;
  for (let i = 1; i <= count; i++) value = value * 256 + bytes[at + i]!;
  return { value, end: at + 1 + count };
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** Bech32's checksum (BIP 173): an age identity (AGE-SECRET-KEY-1…) carries one over its human-readable part and data. */
export function hasValidBech32Checksum(text: string): boolean {
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf('1');
  if (separator < 1 || lower.length - separator < 7) return false;
  const values: number[] = [];
  for (const char of lower.slice(0, separator)) values.push(char.charCodeAt(0) >> 5);
  values.push(0);
  for (const char of lower.slice(0, separator)) values.push(char.charCodeAt(0) & 31);
  for (const char of lower.slice(separator + 1)) {
    const value = BECH32.indexOf(char);
    if (value === -1) return false;
    values.push(value);
  }
  const generators = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) checksum ^= generators[i]!;
  }
  return checksum === 1;
}

/** Passwords documentation puts in a Basic header: RFC 7617's "Aladdin:open sesame", user:pass, foo:bar. */
const SAMPLE_BASIC_PASSWORD = /^(?:open sesame|pass(?:word|wd)?|secret|test(?:ing)?|foo|bar|baz|admin|guest|demo|user|pwd|changeit)\d{0,4}$/i;

/**
 * HTTP Basic credentials (RFC 7617): base64 of "user:password" in printable text. False
 * for anything else (base64 that is not a user:password pair, prose after "Basic") and
 * for sample passwords; undefined for a plausible pair, which is not more confident for
 * it: whose test password it is, the header does not say.
 */
export function hasBasicCredentials(encoded: string): boolean | undefined {
  const body = encoded.replace(/=+$/, '');
  if (body.length % 4 === 1) return false;
  const bytes = Buffer.from(body, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== body) return false;
  const text = bytes.toString('utf8');
  const colon = text.indexOf(':');
  // Printable: no control characters, no replacement character (bytes that are not UTF-8).
  if (colon === -1 || /[\u0000-\u001f\u007f\ufffd]/.test(text)) return false;
  const user = text.slice(0, colon);
  const password = text.slice(colon + 1);
  if (password.length === 0 || password === user || SAMPLE_BASIC_PASSWORD.test(password) || isPlaceholder(password)) return false;
  return undefined;
}

export const CHECKS: Record<CheckName, (secret: string) => boolean | undefined> = {
  'github-crc32': hasValidCrc32Suffix,
  'npm-crc32': hasValidCrc32Suffix,
  'grafana-crc32': hasValidGrafanaChecksum,
  'sentry-payload': hasSentryTokenPayload,
  jwt: isStructuredJwt,
  'aws-key-id': isAwsKeyId,
  'pgp-crc24': hasValidPgpChecksum,
  'pem-body': hasPlausiblePemBody,
  bech32: hasValidBech32Checksum,
  'basic-credentials': hasBasicCredentials,
};
