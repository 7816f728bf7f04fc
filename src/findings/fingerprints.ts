/**
 * Fingerprints name a secret in files teams commit (.keyhoundignore, baselines) and
 * upload (SARIF, GitLab reports), so they must not give the secret away. A fast hash is
 * safe for a secret nobody can guess (a generated token); for one people chose or could
 * guess (a password, a short value), a fast hash falls to a dictionary in seconds, so
 * those get scrypt, salted: every guess costs an attacker milliseconds and 2 MiB.
 *
 * Both forms are 32 hex digits. A fingerprint is stable across machines and runs: it
 * depends on the rule id, the secret and, for a guessable secret, the salt the
 * repository's files declare (the ignore file's `# keyhound-salt:` line, a baseline's
 * `salt`), else DEFAULT_SALT.
 */
import { createHash, randomBytes, scrypt, scryptSync } from '../builtins.js';

/** The salt when a repository declares none. */
export const DEFAULT_SALT = 'keyhound';

/**
 * scrypt's cost, chosen by measurement on this 2-core machine (bench/fingerprints.mjs):
 * 3.3 ms and 2 MiB a hash. An attacker's core tries 150 to 300 guesses a second against
 * 7 million SHA-256 (OpenSSL), so a 3-million-word dictionary takes 3 to 6 hours instead
 * of 0.4 s. 1,000 guessable findings cost 4 CPU-seconds, on the thread pool, and only in
 * formats that show fingerprints. N = 2^13 (4x both) made a minified bundle of 16,000
 * random 20-character values, 7% of them counted guessable, cost a minute in json.
 */
const SCRYPT = { N: 2 ** 11, r: 8, p: 1, maxmem: 32 * 1024 * 1024 } as const;
const LENGTH = 16;

/**
 * Estimated bits a secret would take to guess, below which it gets scrypt: 2^72 guesses
 * take 150 years at a trillion a second, whatever the hash.
 */
const GUESSABLE_BELOW_BITS = 72;
/** A list of 2,048 common words: what one run of characters counts as, at most. */
const WORD_BITS = 11;
/** Which kind of run comes next: part of what an attacker must guess. */
const RUN_BITS = 2;
/** Runs: a word (Capitalised or not), upper-case letters, digits, separators, other symbols. */
const RUNS = /[A-Z]?[a-z]+|[A-Z]+|[0-9]+|[ _.-]+|[^A-Za-z0-9 _.-]+/g;
const BITS_PER_CHARACTER = { letter: Math.log2(26), digit: Math.log2(10), separator: 1, other: Math.log2(33) };
/** Digits and symbols standing for letters inside a word (P4ssw0rd): read as letters. */
const LEET = /(?<=[A-Za-z])[013457@$](?=[A-Za-z])/g;

/**
 * A deliberately low estimate of the bits a secret would take to guess, as an attacker
 * with a dictionary and rules would build it: runs of one kind (a word, a number,
 * separators, symbols), each costing the choice of its kind plus its characters, but
 * never more than a common word however long, and nothing but its kind when it repeats
 * an earlier run. People's passwords score low ("Summer2024!": 33 bits, "correct horse
 * battery staple": 61, "Welcome2024!Welcome2024!": 44); in a random key the kinds
 * alternate every few characters (20 random letters and digits: 72 or more in 93 cases
 * of 100; 24: 99; 32: all; 32 hex digits: 99.9).
 */
export function guessBits(secret: string): number {
  // Hex is never leetspeak: its digits stay digits.
  const text = /^[0-9a-f]+$/i.test(secret) ? secret : secret.replace(LEET, 'a');
  const seen = new Set<string>();
  let bits = 0;
  for (const run of text.match(RUNS) ?? []) {
    const kind = /[A-Za-z]/.test(run) ? 'letter' : /[0-9]/.test(run) ? 'digit' : /[ _.-]/.test(run) ? 'separator' : 'other';
    const repeated = run.length > 2 && seen.has(run.toLowerCase());
    seen.add(run.toLowerCase());
    bits += RUN_BITS + (repeated ? 0 : Math.min(WORD_BITS, run.length * BITS_PER_CHARACTER[kind]));
  }
  return bits;
}

/**
 * True when a secret could be guessed. `keywords`: the rule's; a fixed prefix the secret
 * starts with (`sk_live_`) is known to everyone, so it does not count.
 */
export function isGuessable(secret: string, keywords: readonly string[] = []): boolean {
  const lower = secret.toLowerCase();
  const prefix = Math.max(0, ...keywords.filter((keyword) => lower.startsWith(keyword)).map((keyword) => keyword.length));
  return guessBits(secret.slice(prefix)) < GUESSABLE_BELOW_BITS;
}

/** SHA-256 of the rule id and the secret: keyhound's only fingerprint before scrypt, and still the one for unguessable secrets. */
export function fastHash(ruleId: string, secret: string): string {
  return createHash('sha256').update(`${ruleId}\0${secret}`).digest('hex');
}

function scryptInput(ruleId: string, secret: string): string {
  return `${ruleId}\0${secret}`;
}

function scryptSalt(salt: string): string {
  return `keyhound fingerprint\0${salt}`;
}

/** The slow fingerprint of a guessable secret. */
export function slowFingerprint(ruleId: string, secret: string, salt: string): string {
  return scryptSync(scryptInput(ruleId, secret), scryptSalt(salt), LENGTH, SCRYPT).toString('hex');
}

/** The same on the thread pool, so that many are computed on every core. */
export function slowFingerprintAsync(ruleId: string, secret: string, salt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(scryptInput(ruleId, secret), scryptSalt(salt), LENGTH, SCRYPT, (error, key) => (error ? reject(error) : resolve(key.toString('hex'))));
  });
}

/** A fingerprint for a rule id and a raw secret, as findings carry it. */
export function fingerprint(ruleId: string, secret: string, salt: string, keywords: readonly string[] = []): string {
  return isGuessable(secret, keywords) ? slowFingerprint(ruleId, secret, salt) : fastHash(ruleId, secret).slice(0, 32);
}

/** A new salt for a file that declares one: 16 random bytes in hex. */
export function newSalt(): string {
  return randomBytes(16).toString('hex');
}

/** A salt as files declare it: 16 to 64 hex digits. */
export const SALT_PATTERN = /^[0-9a-f]{16,64}$/;
