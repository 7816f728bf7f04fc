/**
 * Decoders: encoded text (base64, hex, percent-encoding, \u escapes) is decoded and
 * scanned again, so a key inside a Kubernetes Secret or a basic-auth header is found.
 * Each decoder is keyword-gated like a rule (the prefilter finds its keywords), so
 * text without them costs nothing; a finding inside decoded text is reported at the
 * encoded span.
 */

export type Encoding = 'base64' | 'hex' | 'percent' | 'unicode-escape';

export interface Decoder {
  name: Encoding;
  keywords: string[];
  span: number;
  /** Runs of encoded text (global, so exec walks a region). */
  pattern: RegExp;
  /** The decoded text, or undefined when the run is not plausibly encoded text. */
  decode(encoded: string): string | undefined;
}

/** Decoded text must be mostly printable, else it is binary (a hash, a compressed blob). */
function printable(text: string): boolean {
  if (text.length < 6) return false;
  let good = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 32 && code < 127) || code === 9 || code === 10 || code === 13) good += 1;
  }
  return good / text.length >= 0.95;
}

function decodeBase64(encoded: string): string | undefined {
  const standard = encoded.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  // Base64 of text nearly always has a digit, + or / somewhere; a long identifier does not.
  if (!/[0-9+/]/.test(standard)) return undefined;
  if (standard.length % 4 === 1) return undefined;
  const bytes = Buffer.from(standard, 'base64');
  // Only real base64 survives the round trip (a plain identifier usually does not).
  if (bytes.toString('base64').replace(/=+$/, '') !== standard) return undefined;
  const text = bytes.toString('latin1');
  return printable(text) ? bytes.toString('utf8') : undefined;
}

function decodeHex(encoded: string): string | undefined {
  const text = Buffer.from(encoded, 'hex').toString('latin1');
  return printable(text) ? text : undefined;
}

function decodePercent(encoded: string): string | undefined {
  try {
    const text = decodeURIComponent(encoded);
    return text !== encoded && printable(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

function decodeUnicodeEscapes(encoded: string): string | undefined {
  const text = encoded.replace(/\\u([0-9A-Fa-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return text !== encoded && printable(text) ? text : undefined;
}

/**
 * Where encoded secrets sit: names that hold secrets, a Kubernetes Secret's `data:` (a
 * YAML block: `data:` ends its line; in code `data: x` is everywhere), a
 * basic-auth header, Docker's `"auth"`, and text that says it is base64. Not `token`
 * or `auth` alone: they are in every parser and SDK, and cost more than they find.
 */
const BASE64_MARKERS = ['secret', 'password', 'passwd', 'credential', 'data:\n', 'data:\r\n', 'basic ', 'base64', 'b64', 'dockerconfigjson', '"auth"', "'auth'"];

export const DECODERS: readonly Decoder[] = [
  {
    name: 'base64',
    keywords: BASE64_MARKERS,
    span: 512,
    pattern: /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,8192}={0,2}(?![A-Za-z0-9+/=_-])/g,
    decode: decodeBase64,
  },
  {
    name: 'hex',
    // Hex runs are mostly hashes; decode only where the text says hex.
    keywords: ['hex'],
    span: 512,
    pattern: /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){12,4096}(?![0-9A-Fa-f])/g,
    decode: decodeHex,
  },
  {
    name: 'percent',
    keywords: ['%2', '%3', '%4', '%5', '%7'],
    span: 1024,
    // Runs with at least two %XX escapes; text between escapes never holds a % itself.
    // The text before the first escape is taken only from where its run starts, so a
    // long run without escapes is not rescanned from every offset (linear, not 300× a char).
    pattern: /(?:(?<![^\s"'<>`%])[^\s"'<>`%]{0,300})?(?:%[0-9A-Fa-f]{2}[^\s"'<>`%]{0,300}){2,64}/g,
    decode: decodePercent,
  },
  {
    name: 'unicode-escape',
    keywords: ['\\u00'],
    span: 1024,
    // As for percent: the text before the first escape only from the start of its run.
    pattern: /(?:(?<![^\s"'`\\])[^\s"'`\\]{0,300})?(?:\\u[0-9A-Fa-f]{4}[^\s"'`\\]{0,300}){2,256}/g,
    decode: decodeUnicodeEscapes,
  },
];

/** How deep decoding goes (base64 inside base64 inside JSON is two). */
export const MAX_DECODE_DEPTH = 2;
