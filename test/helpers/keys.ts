/**
 * Fake keys built at test time, so no key-shaped literal sits in the test sources
 * (keyhound scans its own repository and must find nothing there).
 */
import { generateKeyPairSync } from 'node:crypto';
import { base62, crc32 } from '../../src/engine/checks.js';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
export function randomSource(seed: number): (alphabet: string, length: number) => string {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (alphabet, length) => Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
}

export function fakeKeys(seed = 1) {
  const random = randomSource(seed);
  const githubBody = random(ALNUM, 30);
  return {
    github: `gh${'p'}_${githubBody}${base62(crc32(githubBody), 6)}`,
    githubBadChecksum: `gh${'p'}_${githubBody}${base62((crc32(githubBody) + 1) >>> 0, 6)}`,
    awsKeyId: `AK${'IA'}${random(BASE32, 16)}`,
    awsSecret: random(`${ALNUM}/+`, 40),
    stripe: `sk_${'live'}_${random(ALNUM, 24)}`,
    generic: random(ALNUM, 20),
  };
}

/** A throwaway RSA private key in PEM (PKCS#1), made now: its body is real DER. */
export function fakeRsaPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

/** One minified line of `password="<20 random characters>";`, a generic finding every 32 characters (no line break). */
export function passwordLine(findings: number, seed = 1): string {
  const random = randomSource(seed);
  return Array.from({ length: findings }, () => `password="${random(ALNUM, 20)}";`).join('');
}
