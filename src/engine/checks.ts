/**
 * Offline structural checks: they turn a pattern match into a confident finding,
 * or drop a match that cannot be a real token (a wrong checksum, say).
 */
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

/** A JWT's header and payload must decode to JSON objects, the header naming an alg. */
export function isStructuredJwt(token: string): boolean {
  const [header, payload] = token.split('.');
  if (!header || !payload) return false;
  const head = decodeBase64UrlJson(header);
  const body = decodeBase64UrlJson(payload);
  return (
    typeof head === 'object' && head !== null && 'alg' in head &&
    typeof body === 'object' && body !== null
  );
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
export function hasValidPgpChecksum(block: string): boolean {
  const lines = block.replace(/\\[rn]/g, '\n').split(/\r?\n/).map((line) => line.trim());
  const blank = lines.indexOf('', 1);
  const body = lines.slice(blank === -1 ? 1 : blank + 1, -1);
  const checksumAt = body.findIndex((line) => /^=[A-Za-z0-9+/]{4}$/.test(line));
  if (checksumAt === -1) return true;
  const data = Buffer.from(body.slice(0, checksumAt).join(''), 'base64');
  const expected = Buffer.from(body[checksumAt]!.slice(1), 'base64').readUIntBE(0, 3);
  return crc24(data) === expected;
}

export const CHECKS: Record<CheckName, (secret: string) => boolean> = {
  'github-crc32': hasValidCrc32Suffix,
  'npm-crc32': hasValidCrc32Suffix,
  jwt: isStructuredJwt,
  'aws-key-id': isAwsKeyId,
  'pgp-crc24': hasValidPgpChecksum,
};
