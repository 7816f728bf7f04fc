/**
 * The ways out of a false alarm that the text report itself shows: each finding's
 * fingerprint and `keyhound ignore FINGERPRINT --reason "…"` (for a file that cannot
 * hold a comment, such as JSON), and the baseline at its default path, which every
 * scanning command picks up by itself.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, gitIn, repoWith, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

const keys = fakeKeys(31);
const SALT = 'ab'.repeat(16);

/** A JSON config (no comment possible) with a token and a weak database password. */
function jsonRepo(): string {
  const config = { github: { token: keys.github }, database: { url: `postgres://app:${['Summer', '2024'].join('')}@db.example.com:5432/app` } };
  return repoWith({ 'config.json': `${JSON.stringify(config, null, 2)}\n` });
}

/** The fingerprint the text report shows under the finding of this rule. */
function fingerprintShown(textReport: string, ruleId: string): string {
  const block = textReport.split('\n\n').find((part) => part.includes(`  ${ruleId}  `));
  const fingerprint = /fingerprint ([0-9a-f]{32})/.exec(block ?? '')?.[1];
  expect(fingerprint, textReport).toBeDefined();
  return fingerprint!;
}

describe('keyhound ignore', () => {
  it('records the fingerprint the text report shows, and the next scan suppresses exactly that finding', async () => {
    const dir = jsonRepo();
    // The repository salts its fingerprints of guessable secrets (the password here).
    writeTree(dir, { '.keyhoundignore': `# keyhound-salt: ${SALT}\n` });
    const first = await run(['scan'], { cwd: dir });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('keyhound ignore FINGERPRINT --reason');
    const fingerprint = fingerprintShown(first.stdout, 'database-url-password');

    const ignored = await run(['ignore', fingerprint, '--reason', 'staging database, password rotated'], { cwd: dir });
    expect(ignored, ignored.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(ignored.stdout).toBe(`keyhound: .keyhoundignore: ignoring ${fingerprint} (staging database, password rotated)\n`);
    expect(readFileSync(join(dir, '.keyhoundignore'), 'utf8')).toBe(`# keyhound-salt: ${SALT}\n${fingerprint}  # staging database, password rotated\n`);

    const after = await run(['scan', '--format', 'json', '--report-suppressed'], { cwd: dir });
    const report = JSON.parse(after.stdout) as { findings: Array<{ ruleId: string }>; suppressed: Array<{ ruleId: string; suppressedBy: string }> };
    expect(report.findings.map((finding) => finding.ruleId)).toEqual(['github-pat-classic']);
    expect(report.suppressed).toMatchObject([{ ruleId: 'database-url-password', suppressedBy: '.keyhoundignore:2 (staging database, password rotated)' }]);
  });

  it('writes into the ignore file at the repository root from a subdirectory, creating it', async () => {
    const dir = jsonRepo();
    mkdirSync(join(dir, 'src'));
    const fingerprint = fingerprintShown((await run(['scan'], { cwd: dir })).stdout, 'github-pat-classic');
    const ignored = await run(['ignore', fingerprint, '--reason', 'a revoked token kept as a fixture'], { cwd: join(dir, 'src') });
    expect(ignored.stdout).toBe(`keyhound: ../.keyhoundignore: ignoring ${fingerprint} (a revoked token kept as a fixture)\n`);
    expect(existsSync(join(dir, 'src', '.keyhoundignore'))).toBe(false);
    const after = await run(['scan', '--format', 'json'], { cwd: dir });
    expect((JSON.parse(after.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((finding) => finding.ruleId)).toEqual(['database-url-password']);
  });

  it('is idempotent: the same fingerprint again changes nothing', async () => {
    const dir = jsonRepo();
    const fingerprint = 'c'.repeat(32);
    expect((await run(['ignore', fingerprint, '--reason', 'first'], { cwd: dir })).code).toBe(0);
    const before = readFileSync(join(dir, '.keyhoundignore'), 'utf8');
    const again = await run(['ignore', fingerprint, '--reason', 'second'], { cwd: dir });
    expect(again).toMatchObject({ code: 0, stdout: `keyhound: .keyhoundignore:1 already ignores ${fingerprint}\n` });
    expect(readFileSync(join(dir, '.keyhoundignore'), 'utf8')).toBe(before);
  });

  it('refuses bad input in one line, exit 2, without quoting what may be a pasted key', async () => {
    const dir = jsonRepo();
    const cases: Array<[string[], RegExp]> = [
      [['ignore', keys.github, '--reason', 'x'], /^keyhound: ignore: not a fingerprint \(32 lower-case hex digits/],
      [['ignore', 'C'.repeat(32), '--reason', 'x'], /^keyhound: ignore: not a fingerprint/],
      [['ignore', 'c'.repeat(31), '--reason', 'x'], /^keyhound: ignore: not a fingerprint/],
      [['ignore', 'c'.repeat(32)], /^keyhound: .*reason/],
      [['ignore', 'c'.repeat(32), '--reason', ' '], /^keyhound: --reason: say why in one line/],
      [['ignore', 'c'.repeat(32), '--reason', 'two\nlines'], /^keyhound: --reason: say why in one line/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args, { cwd: dir });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain(keys.github);
    }
    expect(existsSync(join(dir, '.keyhoundignore'))).toBe(false);
  });

  it('refuses to add to an ignore file that does not parse, naming its line', async () => {
    const dir = jsonRepo();
    writeTree(dir, { '.keyhoundignore': `${keys.github}\n` });
    const result = await run(['ignore', 'c'.repeat(32), '--reason', 'x'], { cwd: dir });
    expect(result).toMatchObject({ code: 2, stderr: 'keyhound: .keyhoundignore:1: not a fingerprint (32 hex digits, then an optional # comment)\n' });
  });
});

describe('the default baseline, .keyhound-baseline.json at the repository root', () => {
  it('is written there by baseline create from a subdirectory, and used by scan, staged and history without --baseline', async () => {
    const dir = jsonRepo();
    commitAll(dir, 'config');
    mkdirSync(join(dir, 'src'));
    const created = await run(['baseline', 'create'], { cwd: join(dir, 'src') });
    expect(created).toMatchObject({ code: 0, stdout: 'keyhound: wrote 2 findings to ../.keyhound-baseline.json\n' });

    expect(await run(['scan'], { cwd: dir })).toMatchObject({ code: 0 });
    // A new secret is still reported, and only it.
    const fresh = fakeKeys(32);
    writeTree(dir, { 'lib/new.env': `STRIPE_KEY=${fresh.stripe}\n` });
    const scan = await run(['scan', '--format', 'json'], { cwd: dir });
    expect((JSON.parse(scan.stdout) as { findings: Array<{ file: string }> }).findings.map((finding) => finding.file)).toEqual(['lib/new.env']);

    // staged, in the hook's fast path: the baseline's findings staged again are not reported.
    writeTree(dir, { 'copy.json': readFileSync(join(dir, 'config.json'), 'utf8') });
    gitIn(dir, ['add', 'copy.json']);
    expect(await run(['staged'], { cwd: dir })).toMatchObject({ code: 0 });
    expect((await run(['staged', '--no-baseline'], { cwd: dir })).code).toBe(1);

    expect(await run(['history'], { cwd: dir })).toMatchObject({ code: 0 });
    expect((await run(['history', '--no-baseline'], { cwd: dir })).code).toBe(1);
  });

  it('--no-baseline reports everything; creating the baseline again records everything again', async () => {
    const dir = jsonRepo();
    await run(['baseline', 'create'], { cwd: dir });
    const before = readFileSync(join(dir, '.keyhound-baseline.json'), 'utf8');
    const all = await run(['scan', '--no-baseline', '--format', 'json'], { cwd: dir });
    expect(all.code).toBe(1);
    expect((JSON.parse(all.stdout) as { findings: unknown[] }).findings).toHaveLength(2);
    expect(await run(['baseline', 'create'], { cwd: dir })).toMatchObject({ code: 0, stdout: 'keyhound: wrote 2 findings to .keyhound-baseline.json\n' });
    expect(readFileSync(join(dir, '.keyhound-baseline.json'), 'utf8')).toBe(before);
  });

  it('a broken default baseline is an error naming it (exit 2), which --no-baseline gets past', async () => {
    const dir = jsonRepo();
    writeTree(dir, { '.keyhound-baseline.json': '{"nope": 1}\n' });
    expect(await run(['scan'], { cwd: dir })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^keyhound: \.keyhound-baseline\.json: not a keyhound baseline/) });
    expect((await run(['scan', '--no-baseline'], { cwd: dir })).code).toBe(1);
  });
});
