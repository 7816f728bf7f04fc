/**
 * The history cache (src/scan/history-cache.ts): a rescan reads only new commits and
 * those with findings, finds exactly what a full scan finds, and never trusts a cache
 * that is corrupt or was written under other rules or config.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawSecret } from '../src/findings/finding.js';
import { openCommitCache } from '../src/scan/history-cache.js';
import { scanHistory } from '../src/scan/history.js';
import { commitAll, gitIn, repoWith, tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

const keys = fakeKeys(7);

interface Report {
  findings: Array<{ ruleId: string; fingerprint: string; commit?: { sha: string } }>;
  stats: { commits?: number; cachedCommits?: number };
}

/** A history of `clean` commits without secrets around two with one: every cache case needs both kinds. */
function history(clean = 6): string {
  const dir = repoWith({ 'README.md': 'start\n' });
  commitAll(dir, 'start');
  for (let i = 0; i < clean; i++) {
    writeTree(dir, { [`src/file${i}.js`]: `export const value${i} = ${i};\n` });
    commitAll(dir, `clean ${i}`);
    if (i === 1) {
      writeTree(dir, { 'config.js': `const key = "${keys.stripe}";\n` });
      commitAll(dir, 'add a key');
    }
    if (i === 3) {
      writeTree(dir, { 'deploy.env': `GITHUB_TOKEN=${keys.github}\n` });
      commitAll(dir, 'add a token');
    }
  }
  return dir;
}

async function historyJson(dir: string, args: string[] = []): Promise<{ report: Report; stderr: string; code: number }> {
  const result = await run(['history', '--format', 'json', ...args], { cwd: dir });
  return { report: JSON.parse(result.stdout) as Report, stderr: result.stderr, code: result.code };
}

const cacheFile = (dir: string) => join(dir, '.git', 'keyhound', 'history.json');
/** Drops the kept result (history-replay.ts), so that the next run lists and reads commits: what the commit cache is for. */
const forgetResult = (cacheDir: string) => rmSync(join(cacheDir, 'result.json'), { force: true });
const keyhoundDir = (dir: string) => join(dir, '.git', 'keyhound');

describe('keyhound history with its cache', () => {
  it('rescans only what is new, and finds exactly what a full scan finds', async () => {
    const dir = history();
    const full = await historyJson(dir, ['--no-cache']);
    const first = await historyJson(dir);
    expect(first.report.findings).toEqual(full.report.findings);
    expect(first.report.stats).toMatchObject({ commits: 9, cachedCommits: 0 });

    // Nothing new: the last result again (history-replay.ts), no commit read.
    const again = await historyJson(dir);
    expect(again.report.findings).toEqual(full.report.findings);
    expect(again.report.stats).toMatchObject({ commits: 9, cachedCommits: 9, files: 0 });
    // Without the replay (--no-cache's result aside), only the two commits with a finding are read again.
    forgetResult(keyhoundDir(dir));
    const reread = await historyJson(dir);
    expect(reread.report.findings).toEqual(full.report.findings);
    expect(reread.report.stats).toMatchObject({ commits: 9, cachedCommits: 7 });

    writeTree(dir, { 'later.env': `STRIPE=${fakeKeys(8).stripe}\n`, 'notes.txt': 'nothing\n' });
    commitAll(dir, 'one more');
    const after = await historyJson(dir);
    expect(after.report.stats).toMatchObject({ commits: 10, cachedCommits: 7 });
    expect(after.report.findings).toEqual((await historyJson(dir, ['--no-cache'])).report.findings);
    expect(after.report.findings).toHaveLength(3);
  });

  it('says in its summary what the cache answered', async () => {
    const dir = history();
    const summary = async () => (await run(['history'], { cwd: dir })).stdout.trim().split('\n').at(-1);
    expect(await summary()).toMatch(/ in 9 commits, \d+ files, /);
    expect(await summary()).toMatch(/ in 9 commits \(nothing new since the last run\), 0 files, 0 B, [\d.]+ s$/);
    writeTree(dir, { 'notes.txt': 'nothing\n' });
    commitAll(dir, 'one more');
    expect(await summary()).toMatch(/ in 10 commits \(7 known clean from the cache\), \d+ files, /);
  });

  it('is keyed by the rules and config: a change reads every commit again', async () => {
    const dir = history();
    await historyJson(dir);
    forgetResult(keyhoundDir(dir));
    expect((await historyJson(dir)).report.stats.cachedCommits).toBe(7);
    // A config that disables a rule: a commit clean before may now be clean for other reasons, or not.
    writeTree(dir, { 'custom.yaml': 'disable: [stripe-live-secret-key]\n' });
    const other = await historyJson(dir, ['--config', join(dir, 'custom.yaml')]);
    expect(other.report.stats.cachedCommits).toBe(0);
    expect(other.report.findings.map((finding) => finding.ruleId)).not.toContain('stripe-live-secret-key');
    // An option that changes what a commit's scan reads is part of the key too.
    expect((await historyJson(dir, ['--exclude', 'deploy.env'])).report.stats.cachedCommits).toBe(0);
  });

  it('holds commit ids and hashes only, and the last result as the json report has it: no raw secret', async () => {
    const dir = history();
    const { report } = await historyJson(dir);
    const files = readdirSync(join(dir, '.git', 'keyhound'));
    expect(files).toEqual(['head.json', 'history.json', 'result.json']);
    const result = readFileSync(join(dir, '.git', 'keyhound', 'result.json'), 'utf8');
    for (const secret of [keys.stripe, keys.github, keys.stripe.slice(8, 20), keys.github.slice(4, 16)]) expect(result).not.toContain(secret);
    expect(result).toContain(report.findings[0]!.fingerprint);
    const withFindings = report.findings.map((finding) => finding.commit!.sha);
    for (const file of ['head.json', 'history.json']) {
      const text = readFileSync(join(dir, '.git', 'keyhound', file), 'utf8');
      for (const secret of [keys.stripe, keys.github, keys.stripe.slice(8, 20), keys.github.slice(4, 16)]) expect(text).not.toContain(secret);
      for (const sha of withFindings) expect(text).not.toContain(sha);
      for (const path of ['config.js', 'deploy.env']) expect(text).not.toContain(path);
    }
  });

  it('keeps which files at HEAD hold each secret: right as new commits move, copy and delete it', async () => {
    const dir = history();
    const present = async (args: string[] = []) => {
      const { findings } = JSON.parse((await run(['history', '--format', 'json', ...args], { cwd: dir })).stdout) as { findings: Array<{ ruleId: string; history: { presentAtHead: boolean } }> };
      return Object.fromEntries(findings.map((finding) => [finding.ruleId, finding.history.presentAtHead]));
    };
    const expectSameAsFullScan = async (expected: Record<string, boolean>) => {
      expect(await present()).toEqual(expected);
      expect(await present(['--no-cache'])).toEqual(expected);
    };
    await expectSameAsFullScan({ 'stripe-live-secret-key': true, 'github-pat-classic': true });
    const headCache = join(dir, '.git', 'keyhound', 'head.json');
    const kept = readFileSync(headCache, 'utf8');
    await expectSameAsFullScan({ 'stripe-live-secret-key': true, 'github-pat-classic': true });
    // Same HEAD: the kept answer stands as it was.
    expect(readFileSync(headCache, 'utf8')).toBe(kept);
    // Moved to another file in a new commit: still at HEAD.
    writeTree(dir, { 'config.js': 'const key = process.env.KEY;\n', 'moved: here.js': `const key = "${keys.stripe}";\n` });
    commitAll(dir, 'move the key');
    await expectSameAsFullScan({ 'stripe-live-secret-key': true, 'github-pat-classic': true });
    // Deleted from the only file that held it: no longer at HEAD.
    writeTree(dir, { 'moved: here.js': 'const key = process.env.KEY;\n' });
    commitAll(dir, 'remove the key');
    await expectSameAsFullScan({ 'stripe-live-secret-key': false, 'github-pat-classic': true });
    // Back in a file no commit since the cache was written touched: found where it is.
    writeTree(dir, { 'README.md': `start\n${keys.stripe}\n` });
    commitAll(dir, 'paste it into the readme');
    await expectSameAsFullScan({ 'stripe-live-secret-key': true, 'github-pat-classic': true });
  });

  it('a corrupt record of what HEAD holds is not trusted: a warning, and git asked again', async () => {
    const dir = history();
    const full = await historyJson(dir);
    const headCache = join(dir, '.git', 'keyhound', 'head.json');
    writeFileSync(headCache, readFileSync(headCache, 'utf8').replace(/"body":"[0-9a-f]{6}/, '"body":"000000'));
    forgetResult(keyhoundDir(dir));
    const result = await historyJson(dir);
    expect(result.stderr).toMatch(/warning: the history cache .*head\.json is corrupt: not trusted/);
    expect(result.report.findings).toEqual(full.report.findings);
    // The next run, replayed or not, has nothing to warn of.
    expect((await historyJson(dir)).stderr).not.toMatch(/corrupt/);
    forgetResult(keyhoundDir(dir));
    expect((await historyJson(dir)).stderr).not.toMatch(/corrupt/);
  });

  it.each([
    ['not JSON', () => '{"format": "keyhound-history-cache", "comm'],
    ['a wrong checksum', (text: string) => text.replace(/"sha256":"[0-9a-f]{6}/, '"sha256":"000000')],
    ['a commit id that is not one', (text: string) => text.replace(/"commits":"[0-9a-f]{6}/, '"commits":"zzzzzz')],
  ])('a cache with %s is not trusted: a warning, every commit read, the cache rebuilt', async (_, corrupt) => {
    const dir = history();
    await historyJson(dir);
    writeFileSync(cacheFile(dir), corrupt(readFileSync(cacheFile(dir), 'utf8')));
    forgetResult(keyhoundDir(dir));
    const result = await historyJson(dir);
    expect(result.stderr).toMatch(/warning: the history cache .*history\.json is corrupt: not trusted/);
    expect(result.report.stats.cachedCommits).toBe(0);
    expect(result.report.findings).toHaveLength(2);
    expect((await historyJson(dir)).stderr).not.toMatch(/corrupt/);
    forgetResult(keyhoundDir(dir));
    const rebuilt = await historyJson(dir);
    expect(rebuilt.stderr).not.toMatch(/corrupt/);
    expect(rebuilt.report.stats.cachedCommits).toBe(7);
  });

  it('a commit with a finding added to the list by hand (its checksum not updated) is corrupt, not trusted', async () => {
    const dir = history();
    const { report } = await historyJson(dir);
    const cache = JSON.parse(readFileSync(cacheFile(dir), 'utf8')) as { commits: string };
    cache.commits = [...cache.commits.split('\n'), report.findings[0]!.commit!.sha].sort().join('\n');
    writeFileSync(cacheFile(dir), JSON.stringify(cache));
    forgetResult(keyhoundDir(dir));
    const result = await historyJson(dir);
    expect(result.stderr).toMatch(/corrupt/);
    expect(result.report.findings).toEqual(report.findings);
  });

  it('a temporary file left by a crash mid-write is never read', async () => {
    const dir = history();
    await historyJson(dir);
    const whole = readFileSync(cacheFile(dir), 'utf8');
    writeFileSync(`${cacheFile(dir)}.tmp-99999-deadbeef`, whole.slice(0, whole.length / 2));
    forgetResult(keyhoundDir(dir));
    const result = await historyJson(dir);
    expect(result.stderr).not.toMatch(/warning/);
    expect(result.report.stats.cachedCommits).toBe(7);
    expect(result.report.findings).toHaveLength(2);
  });

  it('--cache DIR puts it elsewhere; --no-cache neither reads nor writes one', async () => {
    const dir = history();
    const elsewhere = tempDir();
    await historyJson(dir, ['--no-cache']);
    expect(() => readdirSync(join(dir, '.git', 'keyhound'))).toThrow();
    await historyJson(dir, ['--cache', elsewhere]);
    expect(readdirSync(elsewhere)).toEqual(['head.json', 'history.json', 'result.json']);
    expect((await historyJson(dir, ['--cache', elsewhere])).report.stats.cachedCommits).toBe(9);
    forgetResult(elsewhere);
    expect((await historyJson(dir, ['--cache', elsewhere])).report.stats.cachedCommits).toBe(7);
  });

  it('a cache directory it cannot write is a warning, not a failure', async () => {
    const dir = history();
    writeTree(dir, { 'not-a-dir': 'a file\n' });
    const result = await historyJson(dir, ['--cache', 'not-a-dir/cache']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/warning: cannot write the history cache .*not-a-dir\/cache\/history\.json \(ENOTDIR\)/);
    expect(result.report.findings).toHaveLength(2);
  });

  it('keeps what another run (a concurrent shard) wrote between its own read and write', () => {
    const dir = tempDir();
    const ids = (n: number) => Array.from({ length: n }, (_, i) => createHash('sha1').update(`${i}`).digest('hex'));
    const [a, b, c, d] = ids(4);
    openCommitCache(dir, 'key', () => undefined).remember([a!]);
    const one = openCommitCache(dir, 'key', () => undefined);
    const other = openCommitCache(dir, 'key', () => undefined);
    other.remember([b!]);
    one.remember([c!]);
    // The file one read is unchanged since: written without reading it again.
    openCommitCache(dir, 'key', () => undefined).remember([d!]);
    const kept = openCommitCache(dir, 'key', () => undefined);
    expect([a, b, c, d].map((id) => kept.known(id!))).toEqual([true, true, true, true]);
    expect(kept.size).toBe(4);
  });

  it('gives the last result again only while nothing it depends on has moved: a ref, HEAD, the ignore file', async () => {
    const dir = history();
    const first = await historyJson(dir);
    const replayed = (report: Report) => report.stats.cachedCommits === report.stats.commits;
    expect(replayed((await historyJson(dir)).report)).toBe(true);
    // A new branch at a commit already scanned: the refs moved, so the commits are listed again.
    gitIn(dir, ['branch', 'side', 'HEAD~2']);
    const afterBranch = await historyJson(dir);
    expect(replayed(afterBranch.report)).toBe(false);
    expect(afterBranch.report.findings).toEqual(first.report.findings);
    expect(replayed((await historyJson(dir)).report)).toBe(true);
    // An ignore entry: the same commits, another answer.
    writeTree(dir, { '.keyhoundignore': `${first.report.findings[0]!.fingerprint}\n` });
    const ignored = await historyJson(dir);
    expect(replayed(ignored.report)).toBe(false);
    expect(ignored.report.findings).toHaveLength(1);
    // HEAD moved back (a checkout): what HEAD holds is another answer too.
    gitIn(dir, ['checkout', '-q', 'side']);
    expect(replayed((await historyJson(dir)).report)).toBe(false);
  });

  it('never gives a kept result where the raw secret is needed: --show-secrets, or the library', async () => {
    const dir = history();
    await historyJson(dir);
    const shown = await historyJson(dir, ['--show-secrets']);
    expect(shown.report.stats.cachedCommits).toBe(7);
    expect(shown.report.findings.map((finding) => (finding as { secret?: string }).secret)).toContain(keys.stripe);
    // The library reads with the cache, never a replay: its findings carry their secret.
    const { findings, stats } = await scanHistory({ cwd: dir, cache: true });
    expect(stats.cachedCommits).toBe(7);
    expect(findings.map((finding) => rawSecret(finding))).toContain(keys.github);
  });

  it('a kept result that is not what the file says it is, is not trusted: a warning, and git asked again', async () => {
    const dir = history();
    const { report } = await historyJson(dir);
    const file = join(dir, '.git', 'keyhound', 'result.json');
    // One finding fewer, its checksum as it was.
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { body: string };
    const body = JSON.parse(kept.body) as { result: { findings: unknown[] } };
    body.result.findings.pop();
    writeFileSync(file, JSON.stringify({ ...kept, body: JSON.stringify(body) }));
    const again = await historyJson(dir);
    expect(again.stderr).toMatch(/result\.json is corrupt/);
    expect(again.report.stats.cachedCommits).toBe(7);
    expect(again.report.findings).toEqual(report.findings);
  });
});
