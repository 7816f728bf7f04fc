/**
 * Fingerprints in files teams commit and upload must not give the secret away: a
 * guessable secret's fingerprint is salted scrypt, a generated token's stays SHA-256
 * (so existing ignore files and baselines keep matching it), every fingerprint is stable
 * across runs and machines, and old entries for guessable secrets still match, with a
 * notice saying what to write instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { fastHash, guessBits, isGuessable, slowFingerprint, DEFAULT_SALT } from '../src/findings/fingerprints.js';
import { makeFinding, prepareFingerprints, secretIdentity } from '../src/findings/finding.js';
import { gitIn, initRepo, tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys, randomSource } from './helpers/keys.js';
import { RULES } from './fixtures/report-input.js';
import { run } from './helpers/run.js';

// Calls through to the real functions, counting them: a fingerprint is computed at most once a finding.
vi.mock(import('../src/findings/fingerprints.js'), async (original) => {
  const real = await original();
  return { ...real, slowFingerprint: vi.fn(real.slowFingerprint), slowFingerprintAsync: vi.fn(real.slowFingerprintAsync) };
});

interface Report { findings: Array<{ ruleId: string; file: string; fingerprint: string; suppressedBy?: string }>; suppressed?: Report['findings']; stats: { warnings: string[] } }

async function scanJson(cwd: string, args: string[] = []): Promise<{ code: number; report: Report; stderr: string }> {
  const { code, stdout, stderr } = await run(['scan', '--format', 'json', ...args], { cwd });
  return { code, report: JSON.parse(stdout) as Report, stderr };
}

/** The SHA-256 fingerprint keyhound wrote for every secret before. */
const oldFingerprint = (ruleId: string, secret: string): string => fastHash(ruleId, secret).slice(0, 32);

const PASSWORD = 'Summer2024!';
/** A small attacker's dictionary: seasons, years and a symbol, as people pick passwords (about 4,000 words). */
function dictionary(): string[] {
  const words = ['Spring', 'Summer', 'Autumn', 'Winter', 'Password', 'Welcome', 'Company', 'Admin', 'Letmein', 'Dragon'];
  return words.flatMap((word) => Array.from({ length: 80 }, (_, i) => 1970 + i).flatMap((year) => ['', '!', '#', '@', '$'].map((end) => `${word}${year}${end}`)));
}

describe('which secrets count as guessable', () => {
  it('passwords people choose do; random keys (40 letters and digits, 64 hex digits) do not', () => {
    for (const password of [PASSWORD, 'hunter2', 'Tr0ub4dor&3', 'correct horse battery staple', 'CorrectHorseBatteryStaple', 'Welcome2024!Welcome2024!', 'Dana.Developer-1987-06-21']) {
      expect(isGuessable(password), `${password}: ${guessBits(password)}`).toBe(true);
    }
    const random = randomSource(9);
    for (const [alphabet, length] of [['0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 40], ['0123456789abcdef', 64]] as const) {
      for (let i = 0; i < 50; i++) expect(isGuessable(random(alphabet, length))).toBe(false);
    }
    const keys = fakeKeys(71);
    expect(isGuessable(keys.github, ['ghp_'])).toBe(false);
    expect(isGuessable(keys.awsSecret)).toBe(false);
  });

  it('does not count a rule\'s fixed prefix as guessing work', () => {
    expect(isGuessable('sk_live_Summer2024', ['sk_live_'])).toBe(true);
    expect(guessBits('sk_live_Summer2024')).toBeGreaterThan(guessBits('Summer2024'));
  });
});

describe('the fingerprint of a guessable secret', () => {
  it('was reversed by a dictionary in a moment; now no fast hash of any guess matches it', async () => {
    const dir = tempDir();
    writeTree(dir, { 'app.env': `DB_PASSWORD="${PASSWORD}"\n` });
    const { report } = await scanJson(dir);
    const [finding] = report.findings;
    expect(finding!.ruleId).toBe('dotenv-password');
    const words = dictionary();
    expect(words).toContain(PASSWORD);
    // Before: SHA-256 over the rule id and each guess finds it.
    expect(words.find((word) => oldFingerprint(finding!.ruleId, word) === oldFingerprint('dotenv-password', PASSWORD))).toBe(PASSWORD);
    // Now: no fast hash of any guess is the fingerprint; checking a guess means scrypt with the salt.
    expect(words.filter((word) => oldFingerprint(finding!.ruleId, word) === finding!.fingerprint)).toEqual([]);
    expect(finding!.fingerprint).toBe(slowFingerprint('dotenv-password', PASSWORD, DEFAULT_SALT));
    expect(finding!.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('costs an attacker far more a guess than SHA-256 (a ratio, with a generous bound)', () => {
    const guesses = dictionary().slice(0, 20);
    let started = performance.now();
    for (let round = 0; round < 500; round++) for (const word of guesses) fastHash('dotenv-password', word);
    const fast = (performance.now() - started) / (500 * guesses.length);
    started = performance.now();
    for (const word of guesses) slowFingerprint('dotenv-password', word, DEFAULT_SALT);
    const slow = (performance.now() - started) / guesses.length;
    expect(slow / fast).toBeGreaterThan(1000);
  });

  it('is the same in another clone and another run, and changes with the salt the ignore file declares', async () => {
    const clones = [tempDir(), tempDir()];
    for (const dir of clones) writeTree(dir, { 'app.env': `DB_PASSWORD="${PASSWORD}"\n` });
    const [a, b] = await Promise.all(clones.map(async (dir) => (await scanJson(dir)).report.findings[0]!.fingerprint));
    expect(a).toBe(b);
    expect((await scanJson(clones[0]!)).report.findings[0]!.fingerprint).toBe(a);
    writeTree(clones[1]!, { '.keyhoundignore': '# keyhound-salt: 00112233445566778899aabbccddeeff\n' });
    const salted = (await scanJson(clones[1]!)).report.findings[0]!.fingerprint;
    expect(salted).not.toBe(a);
    expect(salted).toBe(slowFingerprint('dotenv-password', PASSWORD, '00112233445566778899aabbccddeeff'));
  });

  it('is computed at most once a finding, and only when something reads it', async () => {
    const { slowFingerprint: sync, slowFingerprintAsync: async } = await import('../src/findings/fingerprints.js');
    vi.mocked(sync).mockClear();
    vi.mocked(async).mockClear();
    const finding = makeFinding(RULES.generic, { secret: 'Winter1999#', line: 1, column: 12, endLine: 1, endColumn: 23, lineText: 'password = Winter1999#', entropy: 3, confidence: 'low' }, 'a.env', 1);
    expect(sync).not.toHaveBeenCalled();
    const first = finding.fingerprint;
    expect(finding.fingerprint).toBe(first);
    JSON.stringify(finding);
    expect(sync).toHaveBeenCalledTimes(1);
    await prepareFingerprints([finding]);
    expect(async).not.toHaveBeenCalled();
    const other = makeFinding(RULES.generic, { secret: 'Winter1998#', line: 1, column: 12, endLine: 1, endColumn: 23, lineText: 'password = Winter1998#', entropy: 3, confidence: 'low' }, 'a.env', 1);
    await prepareFingerprints([other, other]);
    expect(async).toHaveBeenCalledTimes(1);
    void other.fingerprint;
    expect(sync).toHaveBeenCalledTimes(1);
  });

  it('is not what history deduplicates by: secretIdentity is fast, and no report holds it', async () => {
    const at = { line: 1, column: 12, endLine: 1, endColumn: 23, entropy: 3, confidence: 'low' as const };
    const [a, b, c] = ['Winter1999#', 'Winter1999#', 'Winter1998#'].map((secret) => makeFinding(RULES.generic, { ...at, secret, lineText: `password = ${secret}` }, 'a.env', 1));
    expect(secretIdentity(a!)).toBe(secretIdentity(b!));
    expect(secretIdentity(a!)).not.toBe(secretIdentity(c!));
    expect(JSON.stringify(a)).not.toContain(secretIdentity(a!).slice(0, 32));
  });
});

describe('the fingerprint of a generated token', () => {
  it('is still SHA-256 over the rule id and the secret, so existing ignore entries keep matching', async () => {
    const keys = fakeKeys(72);
    const dir = tempDir();
    writeTree(dir, { 'a.js': `t = "${keys.github}"\n`, '.keyhoundignore': `${oldFingerprint('github-pat-classic', keys.github)} # written by an older keyhound\n` });
    const { code, report, stderr } = await scanJson(dir, ['--report-suppressed']);
    expect(code).toBe(0);
    expect(report.suppressed!.map((f) => f.suppressedBy)).toEqual(['.keyhoundignore:1 (written by an older keyhound)']);
    expect(stderr).not.toMatch(/reversed/);
  });
});

describe('ignore files and baselines written before', () => {
  it('an ignore entry with the old fingerprint of a guessable secret still matches, and the notice names the new one', async () => {
    const dir = tempDir();
    writeTree(dir, { 'app.env': `DB_PASSWORD="${PASSWORD}"\n`, '.keyhoundignore': `${oldFingerprint('dotenv-password', PASSWORD)} # triaged\n` });
    const { code, report, stderr } = await scanJson(dir);
    expect(code).toBe(0);
    const now = slowFingerprint('dotenv-password', PASSWORD, DEFAULT_SALT);
    expect(stderr).toContain(`.keyhoundignore:1: this fingerprint of a guessable secret can be reversed (written by an older keyhound): replace it with ${now}`);
    expect(report.stats.warnings).toHaveLength(1);
    writeTree(dir, { '.keyhoundignore': `${now} # triaged\n` });
    const replaced = await scanJson(dir);
    expect([replaced.code, replaced.stderr]).toEqual([0, expect.not.stringMatching(/reversed/)]);
  });

  it('a baseline is salted and byte-identical when written again; an old one still matches, with a notice', async () => {
    const dir = tempDir();
    initRepo(dir);
    const keys = fakeKeys(73);
    writeTree(dir, { 'app.env': `DB_PASSWORD="${PASSWORD}"\nTOKEN=${keys.github}\n` });
    expect((await run(['baseline', 'create'], { cwd: dir })).code).toBe(0);
    const file = join(dir, '.keyhound-baseline.json');
    const written = readFileSync(file, 'utf8');
    const baseline = JSON.parse(written) as { salt: string; entries: Array<{ fingerprint: string }> };
    expect(baseline.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(baseline.entries.map((entry) => entry.fingerprint).sort()).toEqual(
      [slowFingerprint('dotenv-password', PASSWORD, baseline.salt), oldFingerprint('github-pat-classic', keys.github)].sort(),
    );
    expect(written).not.toContain(oldFingerprint('dotenv-password', PASSWORD));
    expect((await run(['baseline', 'create'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(written);
    expect((await scanJson(dir, ['--baseline', '.keyhound-baseline.json'])).code).toBe(0);

    // As an older keyhound wrote it: no salt, SHA-256 for every secret.
    writeTree(dir, { 'old-baseline.json': JSON.stringify({ version: 1, entries: [
      { ruleId: 'dotenv-password', fingerprint: oldFingerprint('dotenv-password', PASSWORD) },
      { ruleId: 'github-pat-classic', fingerprint: oldFingerprint('github-pat-classic', keys.github) },
    ] }) });
    const old = await scanJson(dir, ['--baseline', 'old-baseline.json']);
    expect(old.code).toBe(0);
    expect(old.stderr).toMatch(/old-baseline\.json: 1 findings match entries that name a guessable secret by a hash that can be reversed/);
  });

  it('baseline import resolves a guessable raw gitleaks secret by its location, never hashing it fast', async () => {
    const dir = tempDir();
    initRepo(dir);
    writeTree(dir, {
      'app.env': `DB_PASSWORD="${PASSWORD}"\n`,
      'gitleaks.json': JSON.stringify([{ RuleID: 'generic-password', Secret: PASSWORD, File: 'app.env', StartLine: 1 }]),
    });
    gitIn(dir, ['add', 'app.env']);
    const imported = await run(['baseline', 'import', 'gitleaks.json'], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
    const baseline = JSON.parse(readFileSync(join(dir, '.keyhound-baseline.json'), 'utf8')) as { salt: string; entries: Array<Record<string, string>> };
    expect(baseline.entries).toEqual([{ ruleId: 'dotenv-password', fingerprint: slowFingerprint('dotenv-password', PASSWORD, baseline.salt) }]);
    expect((await scanJson(dir, ['--baseline', '.keyhound-baseline.json'])).code).toBe(0);
  });
});
