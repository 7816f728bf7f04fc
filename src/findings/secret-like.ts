/**
 * Values on a shown line that could be secrets, whether or not a rule reported them:
 * a report shows a finding's line for context, and the line must not hand out the
 * finding's neighbours (the password beside a reported user name, the AWS secret
 * beside its key id). Deliberately greedy: masking a harmless value costs a little
 * context, showing a secret costs a rotation.
 */
import type { LineSpan } from './redact.js';

/** Names that say their value is secret: db_password, GITHUB_TOKEN, apiKey, x-auth-token, client_secret. */
const SECRET_NAME = String.raw`[A-Za-z0-9_.-]*(?:pass(?:w(?:or)?d|phrase)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth|credential|cookie|session[_-]?id|signature|salt)[A-Za-z0-9_.-]*`;
/** A value: quoted (to its closing quote), or bare (to a blank, a quote or closing punctuation). */
const VALUE = String.raw`(?:"(?<dq>(?:[^"\\\n]|\\.)*)"|'(?<sq>(?:[^'\\\n]|\\.)*)'|\x60(?<bq>[^\x60\n]*)\x60|(?<bare>[^\s"'\x60,;)}\]]+))`;

/** The groups a pattern marks the secret part of its match with. */
const VALUE_GROUPS = ['dq', 'sq', 'bq', 'bare'] as const;

/** Where secrets stand by their context. A name is matched only where a word starts: linear time on long runs. */
const CONTEXTS: readonly RegExp[] = [
  // password = "…", "apiKey": "…", DB_PASS=…, token := …, secret => …, auth: … (Authorization has its own, below)
  new RegExp(String.raw`(?<![A-Za-z0-9_.-])(?!(?:proxy-)?authorization\b)${SECRET_NAME}["']?[ \t]*(?::=|=>|={1,3}|:)[ \t]*${VALUE}`, 'dgi'),
  // --password …, --token=…, -auth-key …
  new RegExp(String.raw`(?<![\w-])--?${SECRET_NAME}(?:=|[ \t]+)${VALUE}`, 'dgi'),
  // scheme://user:password@host
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"'`]*:(?<bare>[^\s/"'`]+)@/dgi,
  // curl -u <user>:<password>, --user=<user>:<password>, quoted or not
  /(?<![\w-])(?:-u|--user)(?:=|[ \t]*)(?:"[^":\n]*:(?<dq>[^"\n]*)"|'[^':\n]*:(?<sq>[^'\n]*)'|[^\s:"']*:(?<bare>\S+))/dg,
  // Authorization: Bearer …, Proxy-Authorization: Basic …, Cookie: …: the rest of the header value
  /\b(?:proxy-)?(?:authorization|cookie)["']?[ \t]*[:=][ \t]*["']?[ \t]*(?:(?:bearer|basic|token|digest|negotiate|ntlm|aws4-hmac-sha256|apikey|key)[ \t]+)?(?<bare>[^"'`\n]+)/dgi,
  // a key block on one line (in a string with \n escapes): everything between its armour lines
  /-----BEGIN [A-Z0-9 ]{1,40}-----(?<bare>.+?)(?=-----END |$)/dg,
];

/** A run of the characters keys are made of (base64, base64url, hex, base32), with its padding. */
const TOKEN = /[A-Za-z0-9+/_-]{16,}=*/g;
/**
 * Below this (bits a character), a run repeats itself too much to be a key (aaaa1111aaaa1111).
 * Random keys stay above it: 16 random hex digits, the poorest case, measured at least 2.01.
 */
const ENTROPY_FLOOR = 2;

/** Scratch counts for looksRandom, by character code (a token's characters are ASCII); left all zero after each use. */
const COUNTS = new Uint16Array(128);

/**
 * True for a run that could be a generated key: it mixes two of lower case, upper case
 * and digits, and is not repetitive. Long camelCase names pass too, and get masked:
 * the price of never showing a key made of letters and digits. Two passes over the run,
 * counting characters in an array: it runs for every run on every shown line.
 */
function looksRandom(token: string): boolean {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    COUNTS[code] = (COUNTS[code] ?? 0) + 1;
    if (code >= 97 && code <= 122) lower = 1;
    else if (code >= 65 && code <= 90) upper = 1;
    else if (code >= 48 && code <= 57) digit = 1;
  }
  let bits = 0;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    const count = COUNTS[code]!;
    if (count === 0) continue; // counted already
    bits -= (count / token.length) * Math.log2(count / token.length);
    COUNTS[code] = 0;
  }
  return lower + upper + digit >= 2 && bits >= ENTROPY_FLOOR;
}

/** Where the secret-looking values of `text` are, as sorted, disjoint [start, end) spans. */
export function secretLikeSpans(text: string): LineSpan[] {
  const spans: Array<[number, number]> = [];
  for (const pattern of CONTEXTS) {
    for (const match of text.matchAll(pattern)) {
      const group = VALUE_GROUPS.find((name) => match.groups?.[name] !== undefined);
      const at = group && match.indices?.groups?.[group];
      const value = group && match.groups![group]!.trimEnd();
      if (at && value) spans.push([at[0], at[0] + value.length]);
    }
  }
  for (const match of text.matchAll(TOKEN)) {
    if (looksRandom(match[0])) spans.push([match.index, match.index + match[0].length]);
  }
  return merge(spans);
}

function merge(spans: Array<[number, number]>): LineSpan[] {
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  return merged;
}
