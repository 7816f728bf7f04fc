/**
 * Binary files that are credentials by what they are: key stores, password databases,
 * private keys in DER. Recognised by content (magic bytes, ASN.1 structure), never by
 * name, so a renamed key store is found and a file that merely has the extension is not;
 * a store that holds only certificates (a trust store) is not a credential.
 *
 * Rules are regexes over text, so a recognised store becomes one synthesised line that
 * the rules of rules/key-store.yaml match (keyStoreLine): the rule file stays the whole
 * truth about the finding (severity, remediation, examples), and config, allowlists and
 * baselines apply as to any rule. The line's "secret" is the file's SHA-256, never its
 * bytes: the fingerprint follows the content wherever it is copied or renamed.
 */
import { createHash, createPrivateKey } from '../builtins.js';

export type KeyStoreKind = 'pkcs12' | 'jks' | 'jceks' | 'keepass' | 'der-private-key' | 'gnupg-secret-key';

/** The line the key-store rules match: `sha256:<hex> (keyhound: <kind> recognised by content)`. */
export function keyStoreLine(kind: KeyStoreKind, bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')} (keyhound: ${kind} recognised by content)`;
}

export function recogniseKeyStore(bytes: Buffer): KeyStoreKind | undefined {
  if (isKeePass(bytes)) return 'keepass';
  const java = javaKeyStore(bytes);
  if (java) return java;
  if (isGnupgSecretKey(bytes)) return 'gnupg-secret-key';
  if (bytes[0] !== 0x30) return undefined;
  if (isPkcs12WithKeys(bytes)) return 'pkcs12';
  if (isDerPrivateKey(bytes)) return 'der-private-key';
  return undefined;
}

// ---------------------------------------------------------------- KeePass

/** KeePass 1 (.kdb), 2 pre-release and 2 (.kdbx): two signature words, little-endian. */
function isKeePass(bytes: Buffer): boolean {
  return bytes.length >= 12 && bytes.readUInt32LE(0) === 0x9aa2d903 && [0xb54bfb65, 0xb54bfb66, 0xb54bfb67].includes(bytes.readUInt32LE(4));
}

// ---------------------------------------------------------------- Java key stores

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;
const PRIVATE_KEY_ENTRY = 1;
const TRUSTED_CERT_ENTRY = 2;
const SECRET_KEY_ENTRY = 3; // JCEKS only

/**
 * A JKS or JCEKS file with a private or secret key entry. Entries are walked in order
 * (alias, date, then a key and its chain, or one certificate) until a key shows.
 */
function javaKeyStore(bytes: Buffer): 'jks' | 'jceks' | undefined {
  if (bytes.length < 12) return undefined;
  const magic = bytes.readUInt32BE(0);
  if (magic !== JKS_MAGIC && magic !== JCEKS_MAGIC) return undefined;
  const version = bytes.readUInt32BE(4);
  if (version !== 1 && version !== 2) return undefined;
  const kind = magic === JKS_MAGIC ? 'jks' : 'jceks';
  const count = bytes.readUInt32BE(8);
  let at = 12;
  const skip = (length: number): boolean => (at += length) <= bytes.length;
  const u16 = (): number => (at + 2 <= bytes.length ? bytes.readUInt16BE((at += 2) - 2) : Number.MAX_SAFE_INTEGER);
  const u32 = (): number => (at + 4 <= bytes.length ? bytes.readUInt32BE((at += 4) - 4) : Number.MAX_SAFE_INTEGER);
  const certificate = (): boolean => (version === 2 ? skip(u16()) : true) && skip(u32());
  for (let i = 0; i < count && at < bytes.length; i++) {
    const tag = u32();
    if (tag === PRIVATE_KEY_ENTRY || (tag === SECRET_KEY_ENTRY && kind === 'jceks')) return kind;
    if (tag !== TRUSTED_CERT_ENTRY || !skip(u16()) || !skip(8) || !certificate()) return undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------- GnuPG

/** OpenPGP public-key algorithms (RFC 9580, 9.1), for telling a real packet from a stray byte. */
const OPENPGP_ALGORITHMS = new Set([1, 2, 3, 16, 17, 18, 19, 20, 22, 25, 26, 27, 28]);
const SECRET_KEY_TAG = 5;

/**
 * A secret-key packet first: a GnuPG 1 keyring (secring.gpg) or `gpg --export-secret-keys`;
 * or a GnuPG 2 key file (private-keys-v1.d/*.key) in its binary S-expression form.
 */
function isGnupgSecretKey(bytes: Buffer): boolean {
  const head = bytes.toString('latin1', 0, 32);
  if (head.startsWith('(11:private-key(') || head.startsWith('(21:protected-private-key(')) return true;
  const first = bytes[0] ?? 0;
  let body: number;
  let length: number;
  if ((first & 0xc0) === 0xc0) {
    // New format: tag in the low six bits; a one, two or five byte length.
    if ((first & 0x3f) !== SECRET_KEY_TAG) return false;
    const octet = bytes[1] ?? 0xff;
    if (octet < 192) [body, length] = [2, octet];
    else if (octet < 224) [body, length] = [3, ((octet - 192) << 8) + (bytes[2] ?? 0) + 192];
    else if (octet === 255 && bytes.length >= 6) [body, length] = [6, bytes.readUInt32BE(2)];
    else return false;
  } else if ((first & 0xc0) === 0x80) {
    // Old format: tag in bits 5-2; the low two bits say how many length bytes follow.
    if (((first >> 2) & 0x0f) !== SECRET_KEY_TAG || (first & 3) === 3) return false;
    const size = 1 << (first & 3);
    if (bytes.length < 1 + size) return false;
    [body, length] = [1 + size, bytes.readUIntBE(1, size)];
  } else return false;
  const version = bytes[body];
  if (body + length > bytes.length || version === undefined || version < 3 || version > 6) return false;
  // Version, creation time, (v3: validity days,) then the algorithm.
  return OPENPGP_ALGORITHMS.has(bytes[body + (version === 3 ? 7 : 5)] ?? 0);
}

// ---------------------------------------------------------------- ASN.1 (DER, and BER's indefinite lengths)

interface Tlv {
  tag: number;
  /** Where the content starts. */
  start: number;
  /** Where it ends; undefined for BER's indefinite length. */
  end: number | undefined;
}

function tlv(bytes: Buffer, at: number): Tlv | undefined {
  const tag = bytes[at];
  const first = bytes[at + 1];
  if (tag === undefined || first === undefined) return undefined;
  if (first === 0x80) return { tag, start: at + 2, end: undefined };
  if (first < 0x80) return { tag, start: at + 2, end: at + 2 + first };
  const count = first & 0x7f;
  if (count > 4 || at + 2 + count > bytes.length) return undefined;
  const start = at + 2 + count;
  return { tag, start, end: start + bytes.readUIntBE(at + 2, count) };
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OID = 0x06;
/** 1.2.840.113549.1.7.1 (data) and .2 (signedData): what a PKCS#12's authSafe is. */
const PKCS7_DATA = Buffer.from('2a864886f70d010701', 'hex');
const PKCS7_SIGNED = Buffer.from('2a864886f70d010702', 'hex');
/** PKCS#12 bag types 1.2.840.113549.1.12.10.1.{1,2,5}: keyBag, pkcs8ShroudedKeyBag, secretBag (certificates are 3). */
const KEY_BAGS = [1, 2, 5].map((last) => Buffer.from(`060b2a864886f70d010c0a010${last}`, 'hex'));

/**
 * PFX: SEQUENCE { INTEGER 3, ContentInfo (data or signedData), MacData }, with a key
 * bag in it. openssl, Java and Windows keep key bags outside the encrypted part (which
 * holds the certificates), so a PKCS#12 without a visible key bag is a trust store.
 */
function isPkcs12WithKeys(bytes: Buffer): boolean {
  const pfx = tlv(bytes, 0);
  if (!pfx || pfx.tag !== SEQUENCE || (pfx.end !== undefined && pfx.end !== bytes.length)) return false;
  const version = tlv(bytes, pfx.start);
  if (!version || version.tag !== INTEGER || version.end !== version.start + 1 || bytes[version.start] !== 3) return false;
  const authSafe = tlv(bytes, version.end);
  const type = authSafe && tlv(bytes, authSafe.start);
  if (!authSafe || authSafe.tag !== SEQUENCE || !type || type.tag !== OID || type.end === undefined) return false;
  const oid = bytes.subarray(type.start, type.end);
  if (!oid.equals(PKCS7_DATA) && !oid.equals(PKCS7_SIGNED)) return false;
  return KEY_BAGS.some((bag) => bytes.includes(bag));
}

/**
 * A private key in DER: PKCS#8 (plain or encrypted), PKCS#1 (RSA) or SEC1 (EC). One
 * SEQUENCE as long as the file, then OpenSSL, through node:crypto, says whether it is a
 * key (a certificate or any other structure is not); an encrypted PKCS#8 is one that
 * asks for its passphrase.
 */
function isDerPrivateKey(bytes: Buffer): boolean {
  const outer = tlv(bytes, 0);
  if (!outer || outer.end !== bytes.length) return false;
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      createPrivateKey({ key: bytes, format: 'der', type });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE') return true;
    }
  }
  return false;
}
